// The office console's labels, zh-CN and en: a section (`m.console`) of the app's one label table
// (../i18n.ts), so the console switches language with the same `locale` and shares the generated
// labels (../generated/labels.ts) for every stable code the app also shows.
import type { BoardState, DeviceKind, OfficeErrorCode, RemoteOnSite, Role, SiteKind } from "../generated/office";
import { en as enLabels, zhCN as zhLabels } from "../generated/labels";

export interface ConsoleMessages {
  appName: string;
  language: string;
  loading: string;
  save: string;
  cancel: string;
  add: string;
  confirm: string;
  none: string;
  yes: string;
  no: string;
  saved: string;
  networkError: string;
  role: Record<Role, string>;
  errorCode: Record<OfficeErrorCode, string>;
  nav: {
    board: string;
    contracts: string;
    catalogue: string;
    technicians: string;
    laptops: string;
    month: string;
    accounts: string;
    audit: string;
    call: string;
  };
  signIn: {
    title: string;
    login: string;
    password: string;
    submit: string;
    busy: string;
    expired: string;
  };
  shell: { signOut: string; signedInAs: (name: string, role: string) => string; notFound: string };
  accounts: {
    title: string;
    login: string;
    name: string;
    role: string;
    password: string;
    passwordHint: string;
    state: string;
    active: string;
    disabled: string;
    created: string;
    addTitle: string;
    disable: string;
    confirmDisable: (login: string) => string;
    grants: string;
    grantsFor: (name: string) => string;
    grantsNote: string;
    noContracts: string;
    saveGrants: string;
    grantsSaved: string;
    allContracts: string;
    added: (login: string) => string;
  };
  audit: {
    title: string;
    seq: string;
    at: string;
    actor: string;
    action: string;
    detail: string;
    address: string;
    empty: string;
    first: string;
    next: string;
    page: (from: number, to: number) => string;
    actionName: Record<string, string>;
  };
  /** Taking a call (CallPage) and one fault (FaultPage). */
  faults: {
    callTitle: string;
    callNote: string;
    contract: string;
    chooseContract: string;
    siteSearch: string;
    siteSearchHint: string;
    noSiteMatch: string;
    site: string;
    device: string;
    noDevice: string;
    level: string;
    callTime: string;
    callTimeNote: string;
    caller: string;
    phone: string;
    description: string;
    assignTo: string;
    noAssign: string;
    submit: string;
    taken: string;
    faultTitle: (site: string) => string;
    facts: string;
    status: string;
    channel: string;
    reportedAt: string;
    recordedAt: string;
    firstReceiver: string;
    policyVersion: (version: number) => string;
    clocks: string;
    clock: string;
    state: string;
    startedAt: string;
    deadline: string;
    stoppedAt: string;
    left: (text: string) => string;
    overdue: (text: string) => string;
    asOf: (time: string) => string;
    refresh: string;
    timeline: string;
    noEvents: string;
    holder: string;
    unassigned: string;
    disputed: string;
    disputedNote: string;
    assignedTo: (name: string, by: string) => string;
    assignments: string;
    noAssignments: string;
    reasonOf: (reason: string) => string;
    dispatchTitle: string;
    technician: string;
    chooseTechnician: string;
    reason: string;
    reasonHint: string;
    assign: string;
    assigned: (name: string) => string;
    fmTitle: string;
    fmClaim: (cause: string, told: string, at: string) => string;
    fmAnswered: (state: string, by: string, at: string) => string;
    fmAccepted: string;
    fmRefused: string;
    fmBy: string;
    fmNote: string;
    fmSubmit: string;
    fmSaved: string;
    arrivals: string;
    level_: Record<string, string>;
    clockKind: Record<string, string>;
    clockState: Record<string, string>;
    eventKind: Record<string, string>;
    faultStatus: Record<string, string>;
    reportChannel: Record<string, string>;
    fmState: Record<string, string>;
    cause: Record<string, string>;
    assignmentKind: Record<string, string>;
  };
  siteKind: Record<SiteKind, string>;
  deviceKind: Record<DeviceKind, string>;
  contracts: {
    title: string;
    code: string;
    name: string;
    client: string;
    period: string;
    start: string;
    end: string;
    policyVersion: string;
    sites: string;
    devices: string;
    parts: string;
    state: string;
    open: string;
    closed: (date: string) => string;
    empty: string;
    newTitle: string;
    from: string;
    blank: string;
    floorUnits: string;
    /** Issue 19: technicians may add spare parts on their laptops. */
    technicianParts: string;
    floorParts: string;
    create: string;
    created: (code: string) => string;
    back: string;
    policy: string;
    editPolicy: string;
    savePolicy: string;
    policySaved: (version: number) => string;
    policyNote: string;
    versions: string;
    version: (n: number) => string;
    level: string;
    response: string;
    arrival: string;
    resolution: string;
    minutes: string;
    feedback: string;
    feedbackShort: string;
    remoteFirst: (window: number, within: number, onSite: RemoteOnSite) => string;
    majorSpares: (withSpares: number, without: number) => string;
    fibre: (repair: number, external: number) => string;
    spareSubstitution: string;
    forceMajeureBreach: string;
    forceMajeureAgreement: string;
    keptFromPreset: string;
    close: string;
    closeOn: string;
    confirmClose: (code: string, date: string) => string;
    catalogue: string;
  };
  technicians: {
    title: string;
    name: string;
    contracts: string;
    laptops: string;
    none: string;
    empty: string;
    add: string;
    addTitle: string;
    added: (name: string) => string;
    assign: string;
    chooseContract: string;
    unassign: (code: string) => string;
    confirmUnassign: (name: string, code: string) => string;
    issueCode: string;
    codeTitle: (name: string) => string;
    code: string;
    server: string;
    expires: string;
    codeNote: string;
    revoked: string;
    cancelCodes: string;
    confirmCancelCodes: (name: string) => string;
    cancelledCodes: (name: string, n: number) => string;
  };
  month: {
    contract: string;
    month: string;
    download: { xlsx: string; csv: string; pdf: string };
    pdfNote: string;
  };
  board: {
    title: string;
    contract: string;
    level: string;
    technician: string;
    state: string;
    all: string;
    states: Record<BoardState, string>;
    updated: (time: string) => string;
    synced: string;
    empty: string;
    timeLeft: string;
    fault: string;
    holder: string;
    clocks: string;
    reported: string;
    unassigned: string;
    disputed: (names: string) => string;
    noClock: string;
    overdue: (time: string) => string;
    heardTitle: string;
    lastHeard: string;
    never: string;
    noTechnicians: string;
  };
  laptops: {
    title: string;
    name: string;
    technician: string;
    enrolled: string;
    lastSync: string;
    waiting: string;
    version: string;
    state: string;
    active: string;
    revokedAt: (at: string, by: string) => string;
    never: string;
    unknown: string;
    revoke: string;
    reason: string;
    reasonHint: string;
    confirmRevoke: (name: string, technician: string) => string;
    revokedNote: (name: string, crl: number, cancelled: number) => string;
    empty: string;
  };
  catalogue: {
    title: string;
    contract: string;
    chooseContract: string;
    sitesTab: string;
    partsTab: string;
    search: string;
    total: (n: number) => string;
    previous: string;
    next: string;
    siteCode: string;
    siteName: string;
    kind: string;
    address: string;
    lat: string;
    lon: string;
    devices: string;
    addSite: string;
    editSite: string;
    saveSite: string;
    siteSaved: string;
    model: string;
    serial: string;
    addDevice: string;
    saveDevice: string;
    deviceSaved: string;
    edit: string;
    importTitle: string;
    importNote: string;
    importFile: string;
    chooseFile: string;
    noFile: string;
    importButton: string;
    uploading: (percent: number) => string;
    checking: string;
    imported: (rows: number, sites: number, reused: number, devices: number, skipped: number) => string;
    importRefused: string;
    badRow: (row: number, problem: string) => string;
    partCode: string;
    partName: string;
    partKind: string;
    mainEquipment: string;
    addPart: string;
    savePart: string;
    partSaved: string;
    noParts: string;
    noSites: string;
    closedNote: string;
  };
}

export const consoleZh: ConsoleMessages = {
  appName: "Fieldlog 办公室控制台",
  language: "语言",
  loading: "正在加载…",
  save: "保存",
  cancel: "取消",
  add: "添加",
  confirm: "确定",
  none: "无",
  yes: "是",
  no: "否",
  saved: "已保存",
  networkError: "无法连接服务器，请检查网络后重试。",
  role: { administrator: "管理员", project_manager: "项目经理", customer_manager: "客户经理" },
  errorCode: {
    unauthorized: "请重新登录",
    bad_credentials: "账号或密码错误",
    throttled: "尝试次数过多",
    csrf: "页面已过期，请刷新",
    forbidden: "无权执行此操作",
    invalid_input: "输入有误",
    too_large: "内容过大",
    not_found: "未找到",
    conflict: "与现有数据冲突",
    storage: "服务器存储出错",
    internal: "服务器内部错误",
    unavailable: "服务器缺少所需组件",
  },
  nav: {
    board: "看板",
    contracts: "合同",
    catalogue: "站点与备件",
    technicians: "技术员",
    laptops: "笔记本",
    month: "月度汇总",
    accounts: "账号",
    audit: "审计日志",
    call: "报修登记",
  },
  signIn: {
    title: "登录办公室控制台",
    login: "账号",
    password: "密码",
    submit: "登录",
    busy: "正在登录…",
    expired: "会话已结束，请重新登录。",
  },
  shell: {
    signOut: "退出登录",
    signedInAs: (name, role) => `${name}（${role}）`,
    notFound: "找不到该页面",
  },
  accounts: {
    title: "办公室账号",
    login: "账号",
    name: "姓名",
    role: "角色",
    password: "初始密码",
    passwordHint: "至少 12 个字符；请当面告知本人",
    state: "状态",
    active: "启用",
    disabled: "已停用",
    created: "创建时间",
    addTitle: "添加账号",
    disable: "停用",
    confirmDisable: (login) => `确定停用账号“${login}”？其登录会话将立即结束。`,
    grants: "可见合同",
    grantsFor: (name) => `${name} 可见的合同`,
    grantsNote: "项目经理和客户经理只能看到这里勾选的合同。",
    noContracts: "还没有合同",
    saveGrants: "保存可见合同",
    grantsSaved: "可见合同已保存",
    allContracts: "全部合同",
    added: (login) => `已添加账号“${login}”`,
  },
  audit: {
    title: "审计日志",
    seq: "序号",
    at: "时间",
    actor: "操作人",
    action: "操作",
    detail: "内容",
    address: "来源",
    empty: "暂无记录",
    first: "第一页",
    next: "下一页",
    page: (from, to) => `第 ${from}–${to} 条`,
    actionName: {
      sign_in: "登录",
      sign_in_failed: "登录失败",
      sign_in_throttled: "登录被限速",
      sign_out: "退出登录",
      account_add: "添加账号",
      account_disable: "停用账号",
      grants_set: "设置可见合同",
      fault_take_call: "报修登记",
      fault_assign: "派单",
      fault_force_majeure_answer: "登记不可抗拒因素用户意见",
    },
  },
  faults: {
    callTitle: "报修登记",
    callNote: "报修时间为用户来电的时间，各项时限从此刻起算；登记人即首问负责人。",
    contract: "合同",
    chooseContract: "请选择合同",
    siteSearch: "点位（编号或名称）",
    siteSearchHint: "输入点位编号或名称搜索",
    noSiteMatch: "没有匹配的点位",
    site: "点位",
    device: "设备",
    noDevice: "不指定设备",
    level: "故障级别",
    callTime: "报修时间（北京时间）",
    callTimeNote: "默认为当前时间，可改为来电时间（7 天内）",
    caller: "报修人",
    phone: "联系电话",
    description: "故障描述（用户所述）",
    assignTo: "同时派单给",
    noAssign: "暂不派单",
    submit: "登记报修",
    taken: "已登记报修",
    faultTitle: (site) => `故障 · ${site}`,
    facts: "报修信息",
    status: "状态",
    channel: "报修方式",
    reportedAt: "报修时间",
    recordedAt: "登记时间",
    firstReceiver: "首问负责人",
    policyVersion: (v) => `SLA 第 ${v} 版`,
    clocks: "时限",
    clock: "时限",
    state: "状态",
    startedAt: "起算",
    deadline: "截止",
    stoppedAt: "完成",
    left: (t) => `剩余 ${t}`,
    overdue: (t) => `已超时 ${t}`,
    asOf: (t) => `截至 ${t}`,
    refresh: "刷新",
    timeline: "处理记录",
    noEvents: "暂无处理记录",
    holder: "当前负责技服",
    unassigned: "未派单",
    disputed: "派单冲突",
    disputedNote: "多人同时接单，请重新派单以确定负责人：",
    assignedTo: (name, by) => `${name}（${by}）`,
    assignments: "派单记录",
    noAssignments: "暂无派单记录",
    reasonOf: (r) => `原因：${r}`,
    dispatchTitle: "派单 / 改派",
    technician: "技服",
    chooseTechnician: "请选择技服",
    reason: "改派原因",
    reasonHint: "改派时必填",
    assign: "派单",
    assigned: (name) => `已派单给 ${name}`,
    fmTitle: "不可抗拒因素 · 用户意见",
    fmClaim: (cause, told, at) => `技服申报：${cause}，已于 ${at} 告知 ${told}`,
    fmAnswered: (state, by, at) => `${state}（${by}，${at}）`,
    fmAccepted: "用户认可",
    fmRefused: "用户不认可",
    fmBy: "用户确认人",
    fmNote: "协商说明",
    fmSubmit: "登记用户意见",
    fmSaved: "已登记用户意见",
    arrivals: "到场记录",
    level_: zhLabels.FaultLevel,
    clockKind: zhLabels.ClockKind,
    clockState: zhLabels.ClockState,
    eventKind: zhLabels.FaultEventKind,
    faultStatus: zhLabels.FaultStatus,
    reportChannel: zhLabels.ReportChannel,
    fmState: zhLabels.ForceMajeureState,
    cause: zhLabels.FaultCause,
    assignmentKind: zhLabels.AssignmentKind,
  },
  siteKind: zhLabels.SiteKind,
  deviceKind: zhLabels.DeviceKind,
  contracts: {
    title: "合同",
    code: "合同编号",
    name: "合同名称",
    client: "采购人",
    period: "服务期",
    start: "服务期开始",
    end: "服务期结束",
    policyVersion: "SLA 版本",
    sites: "点位",
    devices: "设备",
    parts: "备件种类",
    state: "状态",
    open: "履约中",
    closed: (date) => `已关闭（${date}）`,
    empty: "还没有合同",
    newTitle: "新建合同",
    from: "模板",
    blank: "空白合同",
    floorUnits: "备品下限（台）",
    technicianParts: "允许技服人员在笔记本上添加备件",
    floorParts: "备件下限（件）",
    create: "创建合同",
    created: (code) => `已创建合同 ${code}`,
    back: "返回合同列表",
    policy: "SLA 服务时限",
    editPolicy: "修改 SLA",
    savePolicy: "保存为新版本",
    policySaved: (v) => `已保存为第 ${v} 版，此后新报故障按此版计时`,
    policyNote: "修改后生成新版本，只对此后新报的故障生效；已有故障仍按原版本计时。",
    versions: "历史版本",
    version: (n) => `第 ${n} 版`,
    level: "故障级别",
    response: "响应时限",
    arrival: "到场时限",
    resolution: "修复时限",
    minutes: "分钟",
    feedback: "修复后反馈时限（分钟，空为不要求）",
    feedbackShort: "修复后反馈时限",
    remoteFirst: (w, within, onSite) =>
      onSite === "table_limit"
        ? `先远程支持 ${w} 分钟；到场时限仍按上表，不因远程支持顺延`
        : onSite === "after_escalation"
          ? `先远程支持 ${w} 分钟；转现场支持后 ${within} 分钟内到场，且不超过上表时限`
          : `先远程支持 ${w} 分钟，之后 ${within} 分钟内到场（旧版规则）`,
    majorSpares: (a, b) => `重大故障：有备件 ${a} 分钟内恢复，无备件 ${b} 分钟内替换`,
    fibre: (a, b) => `光纤线路：${a} 分钟内修复，外力或自然灾害 ${b} 分钟`,
    spareSubstitution: "允许备品替代",
    forceMajeureBreach: "不可抗拒因素也计为超时",
    forceMajeureAgreement: "不可抗拒因素须经用户认可才单列",
    keptFromPreset: "其余条款沿用模板",
    close: "关闭合同",
    closeOn: "服务期最后一天",
    confirmClose: (code, date) => `确定关闭合同 ${code}？服务期到 ${date} 为止，此后不能再修改点位和备件。`,
    catalogue: "站点与备件",
  },
  technicians: {
    title: "技术员",
    name: "姓名",
    contracts: "负责合同",
    laptops: "笔记本",
    none: "无",
    empty: "还没有技术员",
    add: "添加技术员",
    addTitle: "添加技术员",
    added: (name) => `已添加技术员 ${name}`,
    assign: "分配合同",
    chooseContract: "选择合同",
    unassign: (code) => `取消 ${code}`,
    confirmUnassign: (name, code) => `确定取消 ${name} 的合同 ${code}？其笔记本下次同步起不再接收此合同。`,
    issueCode: "生成注册码",
    codeTitle: (name) => `${name} 的笔记本注册码`,
    code: "注册码",
    server: "服务器地址",
    expires: "有效期至",
    codeNote: "注册码只显示这一次，只能使用一次。在笔记本上扫码，或在“同步”页输入服务器地址和注册码。",
    revoked: "已停用",
    cancelCodes: "作废未用注册码",
    confirmCancelCodes: (name) => `作废 ${name} 所有尚未使用的注册码？已注册的笔记本不受影响。`,
    cancelledCodes: (name, n) => `已作废 ${name} 未使用的注册码 ${n} 个`,
  },
  month: {
    contract: "合同",
    month: "月份",
    download: { xlsx: "下载 Excel（XLSX）", csv: "下载 CSV", pdf: "下载签章 PDF" },
    pdfNote: "PDF 由本分公司证书（服务器根证书签发）签章并加盖服务器时间戳。",
  },
  board: {
    title: "看板",
    contract: "合同",
    level: "故障级别",
    technician: "技术员",
    state: "状态",
    all: "全部",
    states: { ok: "正常", near: "临近超时", breached: "已超时", waiting_feedback: "待反馈" },
    updated: (time) => `更新于 ${time}`,
    synced: "看板显示的是已同步到服务器的记录；每 5 秒自动刷新。",
    empty: "没有未完成的故障",
    timeLeft: "剩余时间",
    fault: "故障",
    holder: "处理人",
    clocks: "时限",
    reported: "报修时间",
    unassigned: "未派单",
    disputed: (names) => `有争议：${names}`,
    noClock: "无计时",
    overdue: (time) => `已超时 ${time}`,
    heardTitle: "技术员笔记本最近同步",
    lastHeard: "最近同步",
    never: "从未同步",
    noTechnicians: "没有技术员",
  },
  laptops: {
    title: "笔记本",
    name: "名称",
    technician: "技术员",
    enrolled: "注册时间",
    lastSync: "上次同步",
    waiting: "待上传",
    version: "软件版本",
    state: "状态",
    active: "使用中",
    revokedAt: (at, by) => `已于 ${at} 停用（${by}）`,
    never: "从未同步",
    unknown: "未知",
    revoke: "停用",
    reason: "停用原因",
    reasonHint: "如：笔记本丢失、技术员离职",
    confirmRevoke: (name, technician) =>
      `确定停用 ${technician} 的笔记本“${name}”？它将立即不能同步，签名证书也会被吊销；笔记本上的数据不会丢失。`,
    revokedNote: (name, crl, cancelled) =>
      `已停用“${name}”，证书吊销列表已更新（第 ${crl} 号）` + (cancelled > 0 ? `；该技术员未使用的注册码 ${cancelled} 个已作废` : ""),
    empty: "还没有注册的笔记本",
  },
  catalogue: {
    title: "站点、设备与备件",
    contract: "合同",
    chooseContract: "请选择合同",
    sitesTab: "点位与设备",
    partsTab: "备件目录",
    search: "按编号或名称搜索",
    total: (n) => `共 ${n} 个点位`,
    previous: "上一页",
    next: "下一页",
    siteCode: "点位编号",
    siteName: "点位名称",
    kind: "类型",
    address: "地址",
    lat: "纬度",
    lon: "经度",
    devices: "设备",
    addSite: "添加点位",
    editSite: "修改点位",
    saveSite: "保存点位",
    siteSaved: "点位已保存",
    model: "型号",
    serial: "序列号",
    addDevice: "添加设备",
    saveDevice: "保存设备",
    deviceSaved: "设备已保存",
    edit: "修改",
    importTitle: "从 Excel 或 CSV 导入点位",
    importNote: "第一行为列名：点位编号、点位名称、点位类型、地址，可选 纬度、经度、设备类型、设备型号、序列号。有一行出错则整个文件都不导入。",
    importFile: "文件（.xlsx 或 .csv）",
    chooseFile: "选择文件",
    noFile: "未选择文件",
    importButton: "上传并导入",
    uploading: (p) => `正在上传… ${p}%`,
    checking: "正在检查并导入…",
    imported: (rows, sites, reused, devices, skipped) =>
      `已导入 ${rows} 行：新增点位 ${sites} 个（沿用 ${reused} 个），新增设备 ${devices} 台（跳过 ${skipped} 台）`,
    importRefused: "文件未导入，请修改以下问题后重新上传：",
    badRow: (row, problem) => `第 ${row} 行：${problem}`,
    partCode: "物料编码",
    partName: "名称",
    partKind: "类别",
    mainEquipment: "主要设备备品",
    addPart: "添加备件",
    savePart: "保存备件",
    partSaved: "备件已保存",
    noParts: "还没有备件",
    noSites: "没有符合条件的点位",
    closedNote: "此合同已关闭，点位和备件只能查看。",
  },
};

export const consoleEn: ConsoleMessages = {
  appName: "Fieldlog office console",
  language: "Language",
  loading: "Loading…",
  save: "Save",
  cancel: "Cancel",
  add: "Add",
  confirm: "OK",
  none: "None",
  yes: "Yes",
  no: "No",
  saved: "Saved",
  networkError: "Cannot reach the server: check the network and try again.",
  role: { administrator: "Administrator", project_manager: "Project manager", customer_manager: "Customer manager" },
  errorCode: {
    unauthorized: "Sign in again",
    bad_credentials: "Wrong login or password",
    throttled: "Too many attempts",
    csrf: "The page is out of date: reload it",
    forbidden: "Not allowed",
    invalid_input: "Invalid input",
    too_large: "Too large",
    not_found: "Not found",
    conflict: "Conflicts with existing data",
    storage: "Server storage error",
    internal: "Server error",
    unavailable: "The server lacks a component it needs",
  },
  nav: {
    board: "Board",
    contracts: "Contracts",
    catalogue: "Sites & parts",
    technicians: "Technicians",
    laptops: "Laptops",
    month: "Monthly summary",
    accounts: "Accounts",
    audit: "Audit log",
    call: "Take a call",
  },
  signIn: {
    title: "Sign in to the office console",
    login: "Login",
    password: "Password",
    submit: "Sign in",
    busy: "Signing in…",
    expired: "Your session ended: sign in again.",
  },
  shell: {
    signOut: "Sign out",
    signedInAs: (name, role) => `${name} (${role})`,
    notFound: "Page not found",
  },
  accounts: {
    title: "Office accounts",
    login: "Login",
    name: "Name",
    role: "Role",
    password: "First password",
    passwordHint: "At least 12 characters; tell the person face to face",
    state: "State",
    active: "Active",
    disabled: "Disabled",
    created: "Created",
    addTitle: "Add an account",
    disable: "Disable",
    confirmDisable: (login) => `Disable the account '${login}'? Its sessions end at once.`,
    grants: "Contracts seen",
    grantsFor: (name) => `Contracts ${name} sees`,
    grantsNote: "Project and customer managers see only the contracts ticked here.",
    noContracts: "No contracts yet",
    saveGrants: "Save contracts seen",
    grantsSaved: "Contracts seen saved",
    allContracts: "All contracts",
    added: (login) => `Account '${login}' added`,
  },
  audit: {
    title: "Audit log",
    seq: "No.",
    at: "When",
    actor: "Who",
    action: "Action",
    detail: "Detail",
    address: "From",
    empty: "Nothing recorded yet",
    first: "First page",
    next: "Next page",
    page: (from, to) => `Entries ${from}–${to}`,
    actionName: {
      sign_in: "Signed in",
      sign_in_failed: "Sign-in failed",
      sign_in_throttled: "Sign-in throttled",
      sign_out: "Signed out",
      account_add: "Account added",
      account_disable: "Account disabled",
      grants_set: "Contracts seen set",
      fault_take_call: "Call taken",
      fault_assign: "Fault dispatched",
      fault_force_majeure_answer: "Force-majeure answer recorded",
    },
  },
  faults: {
    callTitle: "Take a call",
    callNote: "The call time is when the client called: every clock starts there. Whoever takes the call is its first receiver.",
    contract: "Contract",
    chooseContract: "Choose a contract",
    siteSearch: "Site (code or name)",
    siteSearchHint: "Type a site code or name",
    noSiteMatch: "No site matches",
    site: "Site",
    device: "Device",
    noDevice: "No particular device",
    level: "Level",
    callTime: "Call time (Beijing time)",
    callTimeNote: "Now by default; change it to when the client called (within 7 days)",
    caller: "Caller",
    phone: "Phone",
    description: "What the caller said",
    assignTo: "Dispatch to",
    noAssign: "Not yet",
    submit: "Record the call",
    taken: "Call recorded",
    faultTitle: (site) => `Fault · ${site}`,
    facts: "The call",
    status: "Status",
    channel: "Channel",
    reportedAt: "Called at",
    recordedAt: "Recorded at",
    firstReceiver: "First receiver",
    policyVersion: (v) => `SLA version ${v}`,
    clocks: "Clocks",
    clock: "Clock",
    state: "State",
    startedAt: "Started",
    deadline: "Deadline",
    stoppedAt: "Done",
    left: (t) => `${t} left`,
    overdue: (t) => `${t} overdue`,
    asOf: (t) => `as of ${t}`,
    refresh: "Refresh",
    timeline: "Timeline",
    noEvents: "Nothing recorded yet",
    holder: "Held by",
    unassigned: "Not dispatched",
    disputed: "Disputed",
    disputedNote: "Taken by several technicians at once; dispatch it again to settle who holds it:",
    assignedTo: (name, by) => `${name} (${by})`,
    assignments: "Dispatch records",
    noAssignments: "No dispatch yet",
    reasonOf: (r) => `Reason: ${r}`,
    dispatchTitle: "Dispatch / reassign",
    technician: "Technician",
    chooseTechnician: "Choose a technician",
    reason: "Reason for reassigning",
    reasonHint: "Required when reassigning",
    assign: "Dispatch",
    assigned: (name) => `Dispatched to ${name}`,
    fmTitle: "Force majeure · the client's answer",
    fmClaim: (cause, told, at) => `Claimed by the technician: ${cause}; ${told} told at ${at}`,
    fmAnswered: (state, by, at) => `${state} (${by}, ${at})`,
    fmAccepted: "Client accepts",
    fmRefused: "Client refuses",
    fmBy: "Answered by (client)",
    fmNote: "Note",
    fmSubmit: "Record the answer",
    fmSaved: "Answer recorded",
    arrivals: "Arrivals",
    level_: enLabels.FaultLevel,
    clockKind: enLabels.ClockKind,
    clockState: enLabels.ClockState,
    eventKind: enLabels.FaultEventKind,
    faultStatus: enLabels.FaultStatus,
    reportChannel: enLabels.ReportChannel,
    fmState: enLabels.ForceMajeureState,
    cause: enLabels.FaultCause,
    assignmentKind: enLabels.AssignmentKind,
  },
  siteKind: enLabels.SiteKind,
  deviceKind: enLabels.DeviceKind,
  contracts: {
    title: "Contracts",
    code: "Code",
    name: "Name",
    client: "Client",
    period: "Service period",
    start: "Service starts",
    end: "Service ends",
    policyVersion: "SLA version",
    sites: "Sites",
    devices: "Devices",
    parts: "Part kinds",
    state: "State",
    open: "Running",
    closed: (date) => `Closed (${date})`,
    empty: "No contracts yet",
    newTitle: "New contract",
    from: "Preset",
    blank: "Blank contract",
    floorUnits: "Spare units floor",
    technicianParts: "Technicians may add spare parts on their laptops",
    floorParts: "Spare parts floor",
    create: "Create contract",
    created: (code) => `Contract ${code} created`,
    back: "Back to contracts",
    policy: "SLA time limits",
    editPolicy: "Edit SLA",
    savePolicy: "Save as a new version",
    policySaved: (v) => `Saved as version ${v}: faults reported from now on are timed by it`,
    policyNote: "A change makes a new version for faults reported from now on; earlier faults keep theirs.",
    versions: "Versions",
    version: (n) => `Version ${n}`,
    level: "Level",
    response: "Response",
    arrival: "Arrival",
    resolution: "Resolution",
    minutes: "min",
    feedback: "Feedback after the fix (minutes, empty: none)",
    feedbackShort: "Feedback after the fix",
    remoteFirst: (w, within, onSite) =>
      onSite === "table_limit"
        ? `Remote first for ${w} min; the arrival limit stays as in the table, never extended`
        : onSite === "after_escalation"
          ? `Remote first for ${w} min; on site within ${within} min of the escalation, never past the table's limit`
          : `Remote first for ${w} min, then on site within ${within} min (old rule)`,
    majorSpares: (a, b) => `Major faults: restored with spares within ${a} min, replaced without spares within ${b} min`,
    fibre: (a, b) => `Fibre lines: repaired within ${a} min, ${b} min after external damage`,
    spareSubstitution: "Spare substitution allowed",
    forceMajeureBreach: "Force majeure counts as a breach",
    forceMajeureAgreement: "Force majeure counted apart only once the client agrees",
    keptFromPreset: "Other terms as in the preset",
    close: "Close contract",
    closeOn: "Last day of service",
    confirmClose: (code, date) => `Close contract ${code}? Service ends on ${date}; its sites and parts can no longer change.`,
    catalogue: "Sites & parts",
  },
  technicians: {
    title: "Technicians",
    name: "Name",
    contracts: "Contracts",
    laptops: "Laptops",
    none: "None",
    empty: "No technicians yet",
    add: "Add technician",
    addTitle: "Add a technician",
    added: (name) => `Technician ${name} added`,
    assign: "Assign",
    chooseContract: "Choose a contract",
    unassign: (code) => `Remove ${code}`,
    confirmUnassign: (name, code) => `Take contract ${code} from ${name}? Their laptops stop receiving it from their next sync.`,
    issueCode: "Enrollment code",
    codeTitle: (name) => `Enrollment code for ${name}'s laptop`,
    code: "Code",
    server: "Server address",
    expires: "Good until",
    codeNote: "Shown only this once, and good for one laptop. Scan it on the laptop, or type the server address and the code on its Sync page.",
    revoked: "revoked",
    cancelCodes: "Cancel unused codes",
    confirmCancelCodes: (name) => `Cancel every unused enrollment code of ${name}? Laptops already enrolled are not affected.`,
    cancelledCodes: (name, n) => `${n} unused enrollment code(s) of ${name} cancelled`,
  },
  month: {
    contract: "Contract",
    month: "Month",
    download: { xlsx: "Download Excel (XLSX)", csv: "Download CSV", pdf: "Download signed PDF" },
    pdfNote: "The PDF is signed with this branch's certificate (issued by the server's root) and time-stamped by the server.",
  },
  board: {
    title: "Board",
    contract: "Contract",
    level: "Level",
    technician: "Technician",
    state: "State",
    all: "All",
    states: { ok: "On time", near: "Near breach", breached: "Breached", waiting_feedback: "Awaiting feedback" },
    updated: (time) => `Updated ${time}`,
    synced: "The board shows what has synced to the server; it refreshes every 5 seconds.",
    empty: "No open faults",
    timeLeft: "Time left",
    fault: "Fault",
    holder: "Held by",
    clocks: "Clocks",
    reported: "Reported",
    unassigned: "Unassigned",
    disputed: (names) => `Disputed: ${names}`,
    noClock: "No clock running",
    overdue: (time) => `Overdue ${time}`,
    heardTitle: "Technicians' laptops, last sync",
    lastHeard: "Last sync",
    never: "Never synced",
    noTechnicians: "No technicians",
  },
  laptops: {
    title: "Laptops",
    name: "Name",
    technician: "Technician",
    enrolled: "Enrolled",
    lastSync: "Last sync",
    waiting: "Waiting",
    version: "App version",
    state: "State",
    active: "In use",
    revokedAt: (at, by) => `Revoked ${at} (${by})`,
    never: "Never",
    unknown: "Unknown",
    revoke: "Revoke",
    reason: "Reason",
    reasonHint: "e.g. laptop lost, technician left",
    confirmRevoke: (name, technician) =>
      `Revoke ${technician}'s laptop '${name}'? It can no longer sync from now on and its signing certificate is revoked; nothing on the laptop is lost.`,
    revokedNote: (name, crl, cancelled) =>
      `'${name}' revoked; the certificate revocation list is updated (number ${crl})` +
      (cancelled > 0 ? `; the technician's ${cancelled} unused enrollment code(s) cancelled` : ""),
    empty: "No laptops enrolled yet",
  },
  catalogue: {
    title: "Sites, devices and spare parts",
    contract: "Contract",
    chooseContract: "Choose a contract",
    sitesTab: "Sites and devices",
    partsTab: "Spare parts",
    search: "Search by code or name",
    total: (n) => `${n} sites`,
    previous: "Previous",
    next: "Next",
    siteCode: "Site code",
    siteName: "Site name",
    kind: "Kind",
    address: "Address",
    lat: "Latitude",
    lon: "Longitude",
    devices: "Devices",
    addSite: "Add site",
    editSite: "Edit site",
    saveSite: "Save site",
    siteSaved: "Site saved",
    model: "Model",
    serial: "Serial",
    addDevice: "Add device",
    saveDevice: "Save device",
    deviceSaved: "Device saved",
    edit: "Edit",
    importTitle: "Import sites from Excel or CSV",
    importNote: "The first row names the columns: site_code, site_name, site_kind, address, and optionally lat, lon, device_kind, device_model, serial (or their Chinese names). One bad row and nothing of the file is imported.",
    importFile: "File (.xlsx or .csv)",
    chooseFile: "Choose a file",
    noFile: "No file chosen",
    importButton: "Upload and import",
    uploading: (p) => `Uploading… ${p}%`,
    checking: "Checking and importing…",
    imported: (rows, sites, reused, devices, skipped) =>
      `Imported ${rows} rows: ${sites} new sites (${reused} reused), ${devices} new devices (${skipped} skipped)`,
    importRefused: "Nothing was imported. Fix these and upload again:",
    badRow: (row, problem) => `Row ${row}: ${problem}`,
    partCode: "Material code",
    partName: "Name",
    partKind: "Kind",
    mainEquipment: "Main equipment spare",
    addPart: "Add part",
    savePart: "Save part",
    partSaved: "Part saved",
    noParts: "No parts yet",
    noSites: "No sites match",
    closedNote: "This contract is closed: its sites and parts are read-only.",
  },
};
