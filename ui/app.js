// First window: proves the pipe from the SQLite store to the screen. The full UI (Vue 3) replaces
// this with the desktop-app issue. No business logic here: the core decides, this only shows.
const { invoke } = window.__TAURI__.core;

const timeFormat = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", hourCycle: "h23",
});

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
}

async function load() {
  const status = document.getElementById("status");
  try {
    const profile = await invoke("profile");
    document.getElementById("profile").textContent = profile ? `技服人员：${profile.name}` : "未设置技服人员";
    const faults = await invoke("open_faults");
    const body = document.querySelector("#faults tbody");
    body.replaceChildren();
    for (const f of faults) {
      const tr = document.createElement("tr");
      tr.dataset.testid = "fault-row";
      tr.dataset.faultId = f.id;
      cell(tr, `${f.level} ${f.level_label}`, `level level-${f.level}`);
      cell(tr, f.status_label, `status status-${f.status}`);
      cell(tr, timeFormat.format(new Date(f.reported_at)));
      cell(tr, `${f.site_code} ${f.site_name}`);
      cell(tr, f.description);
      cell(tr, f.first_receiver);
      body.appendChild(tr);
    }
    document.getElementById("faults").hidden = faults.length === 0;
    status.textContent = faults.length === 0 ? "没有未关闭的故障 (no open faults)" : `共 ${faults.length} 条`;
  } catch (error) {
    // Errors arrive as {code, message}; the message already says what to do.
    status.textContent = error && error.message ? error.message : String(error);
    status.className = "error";
  }
}

load();
