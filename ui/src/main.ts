// Start-up: mounts the Vue app into #app with its stylesheet.
import { createApp } from "vue";
import App from "./App.vue";
import "./styles.css";

createApp(App).mount("#app");
