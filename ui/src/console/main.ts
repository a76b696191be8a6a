// Start-up of the office console: the language last chosen in this browser, then the shell.
import { createApp } from "vue";
import ConsoleApp from "./ConsoleApp.vue";
import { chooseLanguage } from "./language";
import "../styles.css";
import "./console.css";

chooseLanguage(window.localStorage.getItem("fieldlog-console-language") === "en" ? "en" : "zh-CN");
createApp(ConsoleApp).mount("#console");
