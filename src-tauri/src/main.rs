fn main() {
    fieldlog_app::run()
}
