// The two dictionaries (zh-CN, the default, and en) and the reactive locale every label reads.
import { computed, ref } from "vue";
import type {
  ClockKind,
  ClockState,
  FaultCause,
  ForceMajeureState,
  PresetCode,
  FaultEventKind,
  FaultStatus,
  Inspection,
  Level,
  MovementKind,
  ReportStatus,
  Settings,
  SignerRole,
  Device,
  SpareKind,
  SiteKind,
  UnresolvedReason,
  SyncState,
  SyncPhase,
  ClockDoubt,
  EntryChangeKind,
  PhotoStage,
} from "./api";
import { zhCN as zhLabels, en as enLabels } from "./generated/labels";
import { consoleEn, consoleZh, type ConsoleMessages } from "./console/messages";

export type Locale = Settings["language"];
type EventKindName = FaultEventKind["kind"];

export interface Messages {
  appName: string;
  /** The office console's labels (ui/src/console), in the same table and language switch. */
  console: ConsoleMessages;
  technicianIs: (name: string) => string;
  noProfile: string;
  nav: { today: string; faults: string; reports: string; summary: string; stock: string; catalogue: string; settings: string };
  common: {
    loading: string;
    cancel: string;
    submit: string;
    saved: string;
    none: string;
    yes: string;
    no: string;
    remove: string;
    colon: string;
  };
  level: Record<Level, string>;
  status: Record<FaultStatus, string>;
  clockKind: Record<ClockKind, string>;
  clockState: Record<ClockState, string>;
  countdown: { left: (t: string) => string; overdue: (t: string) => string; days: (d: number) => string };
  eventKind: Record<EventKindName, string>;
  eventField: {
    by: string;
    fixed: string;
    note: string;
    to: string;
    reason: string;
    arrival: string;
    part: string;
    serial: string;
    how: string;
    cause: string;
    told: string;
    answer: string;
    oldSerial: string;
  };
  unresolvedReason: Record<UnresolvedReason, string>;
  faultCause: Record<FaultCause, string>;
  forceMajeureState: Record<ForceMajeureState, string>;
  spareKind: Record<SpareKind, string>;
  movementKind: Record<MovementKind, string>;
  reportStatus: Record<ReportStatus, string>;
  inspectionKind: Record<Inspection["kind"], string>;
  role: Record<SignerRole, string>;
  deviceKind: Record<Device["kind"], string>;
  siteKind: Record<SiteKind, string>;
  catalogue: {
    title: string;
    empty: string;
    search: string;
    searchHint: string;
    client: string;
    period: (from: string, to: string) => string;
    ended: string;
    floor: (units: number, parts: number) => string;
    policy: (version: number) => string;
    level: string;
    response: string;
    arrival: string;
    resolution: string;
    /** A limit in minutes, in the largest whole unit ("2 小时", "3 天"). */
    minutes: (n: number) => string;
    sites: string;
    siteCount: (shown: number, total: number) => string;
    siteCode: string;
    siteName: string;
    siteKind: string;
    address: string;
    devices: string;
    serial: string;
    noDevices: string;
    noSites: string;
    noMatch: string;
    parts: string;
    partCode: string;
    partName: string;
    model: string;
    partKind: string;
    equipment: string;
    main: string;
    other: string;
    noParts: string;
  };
  today: {
    title: string;
    openFaults: string;
    noOpenFaults: string;
    inspections: string;
    noInspections: string;
    plannedFor: string;
    inspectionDone: string;
    reports: string;
    noReports: string;
    fillReport: string;
    entryCount: (n: number) => string;
  };
  faults: { title: string; openOnly: string; all: string; empty: string };
  fault: {
    title: string;
    contract: string;
    level: string;
    site: string;
    device: string;
    reportedAt: string;
    firstReceiver: string;
    description: string;
    status: string;
    clocks: string;
    clockKind: string;
    clockState: string;
    started: string;
    deadline: string;
    stopped: string;
    remaining: string;
    rule: string;
    timeline: string;
    noEvents: string;
    arrivals: string;
    noArrivals: string;
    actions: string;
    holderUnassigned: string;
    holderMine: string;
    holderOther: (name: string) => string;
    holderDisputed: (names: string[]) => string;
    take: string;
  };
  action: {
    ack: string;
    remote: string;
    escalate: string;
    checkin: string;
    spare: string;
    resolve: string;
    unresolve: string;
    inform: string;
    cause: string;
    completion: string;
    remoteFixed: string;
    escalateTo: string;
    informHow: string;
    choose: string;
    ackBy: (name: string) => string;
    onsite: string;
    claim: string;
    agreement: string;
    toldWhom: string;
    answeredBy: string;
  };
  checkin: {
    locating: string;
    confirmSite: (site: string) => string;
    noPosition: string;
    arrivedAt: (time: string) => string;
    clockSuspect: string;
    byHand: string;
    located: (lat: string, lon: string) => string;
  };
  report: {
    title: string;
    contract: string;
    technician: string;
    date: string;
    status: string;
    entries: string;
    noEntries: string;
    position: string;
    site: string;
    device: string;
    fault: string;
    faultCause: string;
    resolved: string;
    unresolvedReason: string;
    workDone: string;
    parts: string;
    part: string;
    quantity: string;
    oldSerial: string;
    newSerial: string;
    arrivals: string;
    signatures: string;
    noSignatures: string;
    addEntry: string;
    addPart: string;
    chooseSite: string;
    noDevice: string;
    noFault: string;
    chooseReason: string;
    choosePart: string;
    signTechnician: string;
    signedAt: (time: string) => string;
    amend: string;
    amendReason: string;
    amendSubmit: string;
    amends: string;
    amendedBy: string;
    amendNote: (reason: string) => string;
    contentBroken: string;
    draftRestored: string;
    autosaved: string;
    arrivalTime: string;
    arrivalPlace: string;
    signer: string;
    role: string;
    signedTime: string;
    heldTitle: string;
    heldNote: string;
    heldAt: (position: number, time: string) => string;
  };
  reports: { title: string; empty: string; entries: string; monthly: string; month: string };
  summary: {
    title: string;
    period: string;
    asOf: string;
    client: string;
    reported: string;
    repaired: string;
    unresolved: string;
    resolutionRate: string;
    carriedOverRepaired: string;
    carriedOverOpen: string;
    forceMajeure: string;
    unattributed: string;
    byReason: string;
    pending: string;
    reason: string;
    count: string;
    compliance: string;
    complianceNote: string;
    complianceTable: string;
    level: string;
    clock: string;
    faults: string;
    met: string;
    breached: string;
    running: string;
    exempt: string;
    rate: string;
    parts: string;
    noParts: string;
    quantity: string;
    stockAtClose: string;
    underFloor: string;
    noneUnderFloor: string;
    forceMajeureCases: string;
    noForceMajeure: string;
    claims: (claimed: number, pending: number, accepted: number, refused: number) => string;
    agreement: string;
    told: string;
    substitutions: string;
    noSubstitutions: string;
    spare: string;
    oldSerial: string;
    newSerial: string;
    reportedAt: string;
    cause: string;
    description: string;
    site: string;
    device: string;
    technicians: string;
    noTechnicians: string;
    technician: string;
    partsUsed: string;
    drillHint: string;
    drillEmpty: string;
    drillClose: string;
    drillUnknown: string;
    exports: string;
  };
  exportPdf: { button: string; xlsx: string; csv: string; busy: string; savedTo: string; open: string; show: string };
  signature: { clear: string; confirm: string; empty: string; hint: string; captured: string; redo: string };
  completion: {
    title: string;
    fault: string;
    clocks: string;
    work: string;
    technicianSign: string;
    customerSign: string;
    customerName: string;
    submit: string;
    bothNeeded: string;
    signed: string;
    notResolved: string;
  };
  stock: {
    title: string;
    code: string;
    name: string;
    kind: string;
    balance: string;
    unitsTotal: (n: number, floor: number) => string;
    partsTotal: (n: number, floor: number) => string;
    unitsBelow: string;
    partsBelow: string;
    movements: (part: string) => string;
    noMovements: string;
    time: string;
    movement: string;
    quantity: string;
    note: string;
    serials: string;
    receive: string;
    receiveSubmit: string;
    pickPart: string;
  };
  settings: {
    title: string;
    profile: string;
    name: string;
    staffNo: string;
    saveProfile: string;
    preferences: string;
    language: string;
    serverUrl: string;
    serverUrlHint: string;
    savePreferences: string;
    contracts: string;
    contractsNote: string;
    policyVersion: (v: number) => string;
    preset: string;
    presetName: Record<PresetCode, string>;
    adoptPreset: string;
    adopted: (v: number) => string;
  };
  time: { unknown: string };
  notFoundScreen: string;
  sync: {
    title: string;
    state: Record<SyncState, string>;
    phase: Record<SyncPhase, string>;
    progress: (pushed: number, pulled: number) => string;
    lastGood: (t: string) => string;
    never: string;
    pending: (n: number) => string;
    conflicts: (n: number) => string;
    nextAttempt: (t: string) => string;
    syncNow: string;
    clockOff: (minutes: number) => string;
    failedHint: string;
    /** Under the core's message when the office revoked this laptop: what to do, in one line. */
    revokedHint: string;
    /** The sidebar's short line for the same. */
    revokedShort: string;
    notEnrolledHint: string;
    server: string;
    enrollTitle: string;
    reenrollTitle: string;
    serverUrl: string;
    code: string;
    deviceName: string;
    /** The device name offered when enrolling: "<technician>'s laptop". */
    defaultDeviceName: (technician: string) => string;
    enroll: string;
    enrolled: (name: string, contracts: string) => string;
    conflictsTitle: string;
    noConflicts: string;
    field: string;
    ours: string;
    theirs: string;
    allOurs: string;
    allTheirs: string;
    save: string;
    settleNote: string;
    reviewNote: string;
    acknowledge: string;
    foundAt: (t: string) => string;
    empty: string;
    entity: Record<string, string>;
    fieldName: Record<string, string>;
  };
  clockSuspect: {
    title: string;
    note: string;
    none: string;
    arrivedAt: string;
    receivedAt: string;
    doubt: string;
    doubtLabel: Record<ClockDoubt, string>;
    count: (arrivals: number, faults: number) => string;
  };
  /** Issue 19: reports over a real month (filters, missing days, editing, corrections). */
  reportMonth: {
    filters: string;
    allContracts: string;
    status: string;
    anyStatus: string;
    statusDraft: string;
    statusSigned: string;
    statusCorrected: string;
    missingTitle: string;
    missingNote: string;
    missingNone: string;
    fill: string;
    filledLate: (t: string) => string;
    corrected: string;
    edit: string;
    delete: string;
    strike: string;
    editTitle: string;
    save: string;
    reason: string;
    reasonNeeded: string;
    confirmDelete: string;
    struck: string;
    changeReason: string;
    changesTitle: string;
    changeKind: Record<EntryChangeKind, string>;
    field: Record<string, string>;
  };
  /** Inspections by plan (issue 19 item 5). */
  inspection: {
    nav: string;
    title: string;
    open: string;
    none: string;
    done: string;
    overdue: string;
    due: string;
    dueBy: string;
    period: string;
    progress: (ticked: number, items: number) => string;
    findingCount: (n: number) => string;
    plans: string;
    noPlans: string;
    newPlan: string;
    contract: string;
    kind: string;
    startsOn: string;
    checklistHint: string;
    allSites: string;
    addPlan: string;
    checklist: string;
    outcome: Record<string, string>;
    note: string;
    notePlaceholder: string;
    tick: string;
    findings: string;
    noFindings: string;
    newFinding: string;
    device: string;
    noDevice: string;
    description: string;
    addFinding: string;
    toFault: string;
    level: string;
    becameFault: string;
    complete: string;
    completeHint: string;
    doneAt: (t: string) => string;
    todayTitle: string;
    todayNone: string;
    openInspection: string;
    reportTitle: string;
    reportNone: string;
    outcomeCounts: (ok: number, notOk: number, skipped: number) => string;
    summaryTitle: string;
    planned: string;
    doneCount: string;
    toFaults: string;
  };
  /** Issue 19: the first start without demo data, and the enrollment form it shares with 同步. */
  firstStart: {
    title: string;
    intro: string;
    whoTitle: string;
    whoNext: string;
    choiceTitle: string;
    choiceNote: string;
    enrollChoice: string;
    enrollChoiceNote: string;
    aloneChoice: string;
    aloneChoiceNote: string;
    back: string;
    link: string;
    linkHint: string;
    or: string;
    root: string;
    rootHint: string;
    rootChoose: string;
    rootChosen: (name: string, bytes: number) => string;
    rootClear: string;
    rootUnreadable: string;
    deviceNameHint: string;
    enrolling: string;
    arrived: (name: string, contracts: number, sites: number, parts: number) => string;
    enrolledSyncLater: (name: string, why: string) => string;
    aloneTitle: string;
    contractCode: string;
    contractName: string;
    client: string;
    serviceStart: string;
    serviceEnd: string;
    preset: string;
    presetFloor: (units: number, parts: number) => string;
    presetNoFloor: string;
    createContract: string;
    aloneDone: (code: string) => string;
    aloneNext: string;
    toToday: string;
    toCatalogue: string;
  };
  /** Issue 19: 添加点位 on the catalogue screen. */
  siteForm: { title: string; add: string };
  /** Issue 19: a call recorded in the app, event times entered later, Today by time left. */
  faultEntry: {
    newFault: string;
    title: string;
    contract: string;
    site: string;
    siteSearch: string;
    device: string;
    noDevice: string;
    level: string;
    callTime: string;
    callTimeNote: string;
    channel: string;
    channels: Record<string, string>;
    caller: string;
    callerPhone: string;
    firstReceiver: string;
    description: string;
    save: string;
    choose: string;
    noSites: string;
    reportHere: string;
    happenedAt: string;
    happenedAtNote: string;
    enteredLater: string;
    enteredLaterEvents: string;
    enteredLaterTitle: (recorded: string) => string;
    group: Record<string, string>;
    filters: string;
    allContracts: string;
    allLevels: string;
    allStatuses: string;
    mineOnly: string;
    noneMatch: string;
    informed: string;
    informHow: string;
    enteredLaterNote: string;
    enteredLaterNone: string;
    statedAt: string;
    recordedAt: string;
    event: string;
    count: (events: number, faults: number) => string;
  };
  /** Issue 19, item 6: stock actions, transfers, the floor on Today. */
  stockMoves: {
    mine: string;
    inTransit: string;
    total: string;
    action: string;
    actions: Record<"use" | "give_back" | "transfer" | "to_contract" | "receive", string>;
    reason: string;
    fault: string;
    colleague: string;
    pickColleague: string;
    noColleagues: string;
    toContract: string;
    pickContract: string;
    submit: string;
    transfers: string;
    noTransfers: string;
    from: string;
    to: string;
    state: string;
    inTransitState: string;
    awaitingYou: string;
    confirmed: (at: string) => string;
    confirm: string;
    addPart: string;
    addPartSubmit: string;
    addPartNotAllowed: string;
    mainEquipment: string;
    model: string;
    floorTitle: string;
    floorLine: (contract: string) => string;
    floorUnits: (n: number, floor: number) => string;
    floorParts: (n: number, floor: number) => string;
  };
  // Issue 19, photos.
  photos: {
    title: string;
    none: string;
    add: string;
    stage: string;
    stageLabel: Record<PhotoStage, string>;
    adding: string;
    taken: string;
    noExif: string;
    open: string;
    close: string;
    hint: string;
  };
  // Issue 20: backing up and restoring the profile (Settings).
  backup: {
    title: string;
    note: string;
    backUp: string;
    backingUp: string;
    done: (path: string, kb: number) => string;
    keyInside: string;
    show: string;
    restoreTitle: string;
    file: string;
    fileHint: string;
    restore: string;
    confirm: (file: string) => string;
    confirmYes: string;
    cancel: string;
    restoring: string;
    restored: (kept: string) => string;
    enrolledNote: string;
    moving: string;
  };
  /** Issue 20: the About on the settings screen, and the missing-font notice. */
  about: { title: string; version: string; commit: string; pdfFont: string; fontMissingTitle: string };
}

const zhCN: Messages = {
  appName: "Fieldlog 现场运维",
  console: consoleZh,
  technicianIs: (name) => `技服人员：${name}`,
  noProfile: "未设置技服人员",
  nav: { today: "今日", faults: "故障", reports: "日报", summary: "汇总", stock: "备品备件", catalogue: zhLabels.Phrase.contracts_and_sites, settings: "设置" },
  common: {
    loading: "正在读取…",
    cancel: "取消",
    submit: "提交",
    saved: "已保存",
    none: "—",
    yes: "是",
    no: "否",
    remove: "删除",
    colon: "：",
  },
  level: zhLabels.FaultLevel,
  status: zhLabels.FaultStatus,
  clockKind: zhLabels.ClockKind,
  clockState: zhLabels.ClockState,
  countdown: {
    left: (t) => `剩余 ${t}`,
    overdue: (t) => `超时 ${t}`,
    days: (d) => `${d}天`,
  },
  eventKind: zhLabels.FaultEventKind,
  eventField: {
    by: "响应人",
    fixed: "远程解决",
    note: "说明",
    to: "升级至",
    reason: "原因",
    arrival: "签到",
    part: "备品",
    serial: "序列号",
    how: "告知方式",
    cause: "原因",
    told: "已告知",
    answer: "意见",
    oldSerial: "原序列号",
  },
  unresolvedReason: zhLabels.UnresolvedReason,
  forceMajeureState: zhLabels.ForceMajeureState,
  faultCause: zhLabels.FaultCause,
  spareKind: zhLabels.SpareKind,
  movementKind: zhLabels.MovementKind,
  reportStatus: zhLabels.ReportStatus,
  inspectionKind: zhLabels.InspectionKind,
  role: zhLabels.SignerRole,
  deviceKind: zhLabels.DeviceKind,
  siteKind: zhLabels.SiteKind,
  catalogue: {
    title: zhLabels.Phrase.contracts_and_sites,
    empty: "本机还没有合同。注册本机并同步后，办公室设置的合同、点位和备品备件会出现在这里。",
    search: "搜索点位",
    searchHint: "点位编号、名称、地址、设备型号或序列号",
    client: "采购人",
    period: (from, to) => `服务期 ${from} 至 ${to}`,
    ended: zhLabels.Phrase.service_ended,
    floor: (units, parts) => `备品备件下限：备品 ${units} 台，备件 ${parts} 件`,
    policy: (v) => `时限规则 第 ${v} 版（新报修的故障按此版计时）`,
    level: "故障级别",
    response: "响应",
    arrival: "到场",
    resolution: "到场后修复",
    minutes: (n) => (n % 1440 === 0 ? `${n / 1440} 天` : n % 60 === 0 ? `${n / 60} 小时` : `${n} 分钟`),
    sites: "点位及设备",
    siteCount: (shown, total) => (shown === total ? `${total} 个` : `${shown} / ${total} 个`),
    siteCode: "点位编号",
    siteName: "名称",
    siteKind: "类型",
    address: "地址",
    devices: "设备",
    serial: "序列号",
    noDevices: "无设备",
    noSites: "该合同还没有点位",
    noMatch: "没有符合搜索条件的点位",
    parts: "备品备件目录",
    partCode: "物料编码",
    partName: "名称",
    model: "型号",
    partKind: "备品/备件",
    equipment: "设备类别",
    main: zhLabels.Phrase.main_equipment,
    other: zhLabels.Phrase.other_equipment,
    noParts: "该合同还没有备品备件",
  },
  today: {
    title: "今日",
    openFaults: "未关闭的故障",
    noOpenFaults: "没有未关闭的故障",
    inspections: "今日应巡检",
    noInspections: "今日没有待巡检的点位",
    plannedFor: "计划日期",
    inspectionDone: "巡检已签到",
    reports: "今日日报",
    noReports: "今日还没有日报",
    fillReport: "填写今日日报",
    entryCount: (n) => `${n} 条记录`,
  },
  faults: { title: "故障", openOnly: "未关闭", all: "全部", empty: "没有故障" },
  fault: {
    title: "故障详情",
    contract: "项目",
    level: "故障级别",
    site: "点位",
    device: "设备",
    reportedAt: "报修时间",
    firstReceiver: "首问负责人",
    description: "故障描述",
    status: "状态",
    clocks: "时限",
    clockKind: "时限",
    clockState: "状态",
    started: "开始",
    deadline: "截止时间",
    stopped: "完成",
    remaining: "剩余 / 超时",
    rule: "承诺",
    timeline: "处理记录",
    noEvents: "还没有处理记录",
    arrivals: "到场签到",
    noArrivals: "还没有到场签到",
    actions: "处理",
    holderUnassigned: "未派单",
    holderMine: "我的",
    holderOther: (name) => `已派给 ${name}`,
    holderDisputed: (names) => `冲突：${names.join("、")}`,
    take: "接单",
  },
  action: {
    ack: "响应",
    remote: "远程支持",
    escalate: "升级",
    checkin: "到场签到",
    spare: "备品替代",
    resolve: "已解决",
    unresolve: "未解决",
    inform: "告知用户",
    cause: "原因认定",
    completion: "完工确认单",
    remoteFixed: "远程已解决",
    escalateTo: "升级至",
    informHow: "告知方式（电话、短信、当面…）",
    choose: "请选择",
    ackBy: (name) => `响应人：${name}`,
    onsite: "转现场支持",
    claim: "申报不可抗拒因素",
    agreement: "用户意见",
    toldWhom: "已告知（用户方姓名）",
    answeredBy: "用户方签认人",
  },
  checkin: {
    locating: "正在获取位置…",
    confirmSite: (site) => `我已在 ${site}`,
    noPosition: "无法获取本机位置，请确认您已到达该点位：",
    arrivedAt: (time) => `已于 ${time} 到场签到`,
    clockSuspect: "注意：本机时钟可能不准确（比已记录的时间还早），请核对电脑时间。",
    byHand: "人工确认点位",
    located: (lat, lon) => `位置 ${lat}, ${lon}`,
  },
  report: {
    title: "每日设备维护报告",
    contract: "项目",
    technician: "技服人员",
    date: "日期",
    status: "状态",
    entries: "维护记录",
    noEntries: "还没有维护记录",
    position: "序号",
    site: "维护点位",
    device: "设备",
    fault: "关联故障",
    faultCause: "故障原因",
    resolved: "是否解决",
    unresolvedReason: "未解决原因",
    workDone: "处理情况",
    parts: "使用备品备件",
    part: "备品备件",
    quantity: "数量",
    oldSerial: "旧件序列号",
    newSerial: "新件序列号",
    arrivals: "当日到场签到",
    signatures: "签字",
    noSignatures: "尚未签字",
    addEntry: "添加维护记录",
    addPart: "添加备件",
    chooseSite: "请选择点位",
    noDevice: "（不指定设备）",
    noFault: "（无关联故障）",
    chooseReason: "请选择原因",
    choosePart: "请选择备件",
    signTechnician: "技服人员签字",
    signedAt: (time) => `已签字 · ${time}`,
    amend: "修订",
    amendReason: "修订原因",
    amendSubmit: "创建修订稿",
    amends: "修订自",
    amendedBy: "已被修订",
    amendNote: (reason) => `修订原因：${reason}`,
    contentBroken: "警告：此日报签字后的内容已被改动，与签字时不一致，不能作为有效凭证。",
    draftRestored: "已恢复上次未提交的内容",
    autosaved: "已自动保存",
    arrivalTime: "到场时间",
    arrivalPlace: "位置",
    signer: "签字人",
    role: "身份",
    signedTime: "签字时间",
    heldTitle: zhLabels.Phrase.held_after_signing,
    heldNote: "这些记录在日报签字后才到达服务器（或签字未涵盖），单独列出，不计入已签字的日报和月度汇总；所用备件照常计入库存。请与负责人核对，如需补入请修订日报。",
    heldAt: (position, time) => `第 ${position} 条：服务器于 ${time} 收到并单列`,
  },
  reports: { title: "日报", empty: "还没有日报", entries: "记录数", monthly: "每月维护报告汇总", month: "月份" },
  summary: {
    title: "每月维护报告汇总",
    period: "统计期间",
    asOf: "统计截止",
    client: "用户单位",
    reported: "报修设备数量",
    repaired: "已维护完毕",
    unresolved: "未解决",
    resolutionRate: "故障解决率",
    carriedOverRepaired: "上期遗留本期修复",
    carriedOverOpen: "上期遗留未解决",
    forceMajeure: "不可抗拒因素",
    unattributed: "无人处理的故障",
    byReason: "未解决原因",
    pending: "处理中（未说明原因）",
    reason: "原因",
    count: "数量",
    compliance: "时限达标率（按故障级别）",
    complianceNote: "计时中与豁免的时限不计入达标率",
    complianceTable: "各级别各时限明细",
    level: "级别",
    clock: "时限",
    faults: "故障数",
    met: "达标",
    breached: "超时",
    running: "计时中",
    exempt: "豁免",
    rate: "达标率",
    parts: "备件消耗",
    noParts: "本期没有消耗备件",
    quantity: "数量",
    stockAtClose: "期末库存",
    underFloor: "低于合同下限的备件",
    noneUnderFloor: "期末库存不低于合同下限",
    forceMajeureCases: "不可抗拒因素故障",
    noForceMajeure: "本期没有不可抗拒因素故障",
    claims: (claimed, pending, accepted, refused) =>
      `申报 ${claimed} 起：待确认 ${pending}，已认可 ${accepted}（不计超时），未认可 ${refused}（按一般故障计）`,
    agreement: "用户意见",
    told: "已告知",
    substitutions: "备品替代",
    noSubstitutions: "本期没有备品替代",
    spare: "备品",
    oldSerial: "原设备序列号",
    newSerial: "新设备序列号",
    reportedAt: "报修时间",
    cause: "原因",
    description: "故障描述",
    site: "点位",
    device: "设备",
    technicians: "按技服人员",
    noTechnicians: "本期没有技服人员的记录",
    technician: "技服人员",
    partsUsed: "消耗备件",
    drillHint: "点击任一数字或图表中的柱形，查看其背后的故障",
    drillEmpty: "没有故障",
    drillClose: "关闭",
    drillUnknown: "（不在本期汇总中）",
    exports: "导出本月汇总",
  },
  exportPdf: { button: "导出签名 PDF", xlsx: "导出 Excel (XLSX)", csv: "导出 CSV", busy: "正在导出…", savedTo: "已保存到：", open: "打开", show: "在文件夹中显示" },
  signature: {
    clear: "清除",
    confirm: "确认",
    empty: "请先在框内签名",
    hint: "请在框内手写签名",
    captured: "已签名",
    redo: "重签",
  },
  completion: {
    title: "完工确认单",
    fault: "故障",
    clocks: "时限达成情况",
    work: "处理情况与备件",
    technicianSign: "技服人员签字",
    customerSign: "用户代表签字",
    customerName: "用户代表姓名",
    submit: "提交签字",
    bothNeeded: "请技服人员和用户代表都签名并确认后再提交",
    signed: "已签字确认",
    notResolved: "故障尚未解决",
  },
  stock: {
    title: "备品备件",
    code: "编码",
    name: "名称",
    kind: "类别",
    balance: "结存",
    unitsTotal: (n, floor) => `备品合计 ${n} / 下限 ${floor}`,
    partsTotal: (n, floor) => `备件合计 ${n} / 下限 ${floor}`,
    unitsBelow: "备品低于合同下限，请通知项目经理补充",
    partsBelow: "备件低于合同下限，请通知项目经理补充",
    movements: (part) => `出入库记录：${part}`,
    noMovements: "没有出入库记录",
    time: "时间",
    movement: "类型",
    quantity: "数量",
    note: "备注",
    serials: "序列号（旧 → 新）",
    receive: "入库",
    receiveSubmit: "登记入库",
    pickPart: "点击左侧的备品备件，查看出入库记录或登记入库",
  },
  settings: {
    title: "设置",
    profile: "本机技服人员",
    name: "姓名",
    staffNo: "工号",
    saveProfile: "保存人员信息",
    preferences: "偏好",
    language: "界面语言",
    serverUrl: "服务器地址",
    serverUrlHint: "同步时使用，例如 https://fieldlog.example.cn",
    savePreferences: "保存设置",
    contracts: "合同与时限规则",
    contractsNote:
      "按合同文本修正后的预设规则（各合同只承诺自己的条款）。采用后生成新版本，仅对此后报修的故障生效；已登记的故障仍按原版本评判。",
    policyVersion: (v) => `现行规则第 ${v} 版`,
    preset: "预设规则",
    presetName: zhLabels.Preset,
    adoptPreset: "采用修正后的预设规则",
    adopted: (v) => `已采用：第 ${v} 版，适用于此后报修的故障`,
  },
  time: { unknown: "—" },
  notFoundScreen: "找不到该页面",
  sync: {
    title: "同步",
    state: {
      not_enrolled: "未注册同步",
      idle: "已同步",
      syncing: "同步中",
      offline: "离线（将自动重试）",
      failed: "同步出错",
      revoked: "本机已被停用",
    },
    phase: { pushing: "正在上传", pulling: "正在下载" },
    progress: (pushed, pulled) => `已上传 ${pushed} 条，已下载 ${pulled} 条`,
    lastGood: (t) => `上次成功同步：${t}`,
    never: "尚未成功同步",
    pending: (n) => (n === 0 ? "没有待上传的更改" : `${n} 条更改待上传`),
    conflicts: (n) => `${n} 个冲突待处理`,
    nextAttempt: (t) => `将于 ${t} 自动重试`,
    syncNow: "立即同步",
    clockOff: (minutes) =>
      `本机时钟与服务器相差约 ${minutes} 分钟，请校准系统时间；此期间记录的到场在月度汇总中会标为“时间存疑”`,
    failedHint: "请按上面的提示处理；如本机已被停用，请向管理员索取新的注册码后在下方重新注册。",
    revokedShort: "数据仍在本机；请联系管理员",
    revokedHint: "本机不会再自动同步，也不会反复重试；本机数据照常可用。拿到新的注册码后，在下方“重新注册本机”即可恢复同步，待上传的更改届时一并上传。",
    notEnrolledHint: "本机还没有注册到同步服务器。向管理员索取一次性注册码，在下方注册后即会在后台自动同步。",
    server: "服务器",
    enrollTitle: "注册本机",
    reenrollTitle: "重新注册本机",
    serverUrl: "服务器地址",
    code: "注册码",
    deviceName: "本机名称",
    defaultDeviceName: (technician) => `${technician}的笔记本`,
    enroll: "注册",
    enrolled: (name, contracts) => `已注册为 ${name}，可同步的项目：${contracts || "无"}`,
    conflictsTitle: "同步冲突",
    noConflicts: "没有待处理的冲突",
    field: "内容",
    ours: "本机的值",
    theirs: "服务器的值",
    allOurs: "全部用本机的",
    allTheirs: "全部用服务器的",
    save: "保存选择",
    settleNote: "同一项内容在本机和服务器上被改成了不同的值。请逐项选择保留哪一个；保存后会作为一次新的修改同步到服务器。",
    reviewNote:
      "这是存证记录（故障、到场、签字、已签字的日报等），一经记录不能修改。服务器保留了先到的版本，本机的版本也已一并保留，供项目经理核对，无需在此选择。",
    acknowledge: "知道了",
    foundAt: (t) => `发现于 ${t}`,
    empty: "（空）",
    entity: zhLabels.SyncEntity,
    fieldName: zhLabels.SyncField,
  },
  clockSuspect: {
    title: zhLabels.Phrase.clock_suspect_arrivals,
    note: "记录这些到场时，设备时钟与服务器相差超过 5 分钟，或本机时钟倒退：到场时间可能不准，请核对。它们仍按记录的时间计入时限。",
    none: "没有时间存疑的到场",
    arrivedAt: "记录的到场时间",
    receivedAt: "服务器接收时间",
    doubt: "原因",
    doubtLabel: zhLabels.ClockDoubt,
    count: (arrivals, faults) => (faults > 0 ? `${arrivals} 次到场（涉及 ${faults} 个故障）` : `${arrivals} 次到场`),
  },
  reportMonth: {
    filters: "筛选",
    allContracts: "全部合同",
    status: "状态",
    anyStatus: "全部状态",
    statusDraft: "草稿",
    statusSigned: "已签字",
    statusCorrected: "已更正",
    missingTitle: "本月缺报的工作日",
    missingNote: "服务期内、今天以前还没有日报的日期（7×24 服务，每天都算工作日）。",
    missingNone: "本月没有缺报的日期",
    fill: "补填",
    filledLate: (t) => `补填于 ${t}`,
    corrected: "已更正",
    edit: "修改",
    delete: "删除",
    strike: "划去",
    editTitle: "修改记录",
    save: "保存修改",
    reason: "更改原因",
    reasonNeeded: "更正已签字日报须填写原因",
    confirmDelete: "确认删除",
    struck: "已划去",
    changeReason: "原因",
    changesTitle: "与原日报相比的更改",
    changeKind: zhLabels.EntryChangeKind,
    field: {
      site_id: "点位",
      device_id: "设备",
      fault_id: "故障",
      fault_cause: "故障原因",
      resolved: "是否解决",
      unresolved_reason: "未解决原因",
      work_done: "处理情况",
      parts: "备件",
    },
  },
  inspection: {
    nav: "巡检",
    title: "巡检",
    open: "待巡检",
    none: "没有待巡检的点位",
    done: "近期已完成",
    overdue: "已逾期",
    due: "本期应巡检",
    dueBy: "截止",
    period: "周期",
    progress: (ticked, items) => `已勾选 ${ticked}/${items} 项`,
    findingCount: (n) => `${n} 项发现`,
    plans: "巡检计划",
    noPlans: "还没有巡检计划",
    newPlan: "新建巡检计划",
    contract: "项目",
    kind: "巡检类型",
    startsOn: "开始日期",
    checklistHint: "检查项，每行一项（留空则使用该类型的默认检查项）",
    allSites: "本项目全部点位",
    addPlan: "保存计划",
    checklist: "检查项",
    outcome: zhLabels.TickOutcome,
    note: "说明",
    notePlaceholder: "异常情况或未检查原因",
    tick: "勾选",
    findings: "巡检发现",
    noFindings: "尚未记录发现",
    newFinding: "记录发现",
    device: "设备",
    noDevice: "（不指定设备）",
    description: "发现的问题",
    addFinding: "保存发现",
    toFault: "转为故障",
    level: "故障级别",
    becameFault: "已转为故障",
    complete: "到场签到并完成巡检",
    completeHint: "全部检查项勾选后，在点位签到即完成本次巡检。",
    doneAt: (t) => `巡检已完成 ${t}`,
    todayTitle: "巡检",
    todayNone: "没有待巡检或逾期的巡检",
    openInspection: "打开检查表",
    reportTitle: "当日完成的巡检",
    reportNone: "当日没有完成的巡检",
    outcomeCounts: (ok, notOk, skipped) => `正常 ${ok} 项 · 异常 ${notOk} 项 · 未检查 ${skipped} 项`,
    summaryTitle: "巡检",
    planned: "应巡检",
    doneCount: "已完成",
    toFaults: "转为故障",
  },
  firstStart: {
    title: "欢迎使用 Fieldlog",
    intro: "本机还没有数据。先填写您的姓名和工号，再选择注册到办公室的服务器，或在本机单独使用。",
    whoTitle: "1. 本机技服人员",
    whoNext: "下一步",
    choiceTitle: "2. 如何开始",
    choiceNote: "注册后，办公室建好的合同、时限规则、点位和备品备件会同步到本机；单机使用时由您在本机建立合同。",
    enrollChoice: "注册到服务器",
    enrollChoiceNote: "办公室给了服务器地址和注册码（或二维码）时选这个",
    aloneChoice: "单机使用",
    aloneChoiceNote: "没有服务器时选这个：按合同模板在本机建立合同",
    back: "返回",
    link: "办公室二维码中的文字（可选）",
    linkHint: "粘贴形如 fieldlog-enroll:1?server=…&code=… 的文字，就不必再填服务器地址和注册码",
    or: "或者填写：",
    root: "管理员给的根证书文件（https 服务器需要时）",
    rootHint: "PEM 或 DER 格式，通常是 .pem、.crt 或 .cer 文件；本机会检查它是否为证书",
    rootChoose: "选择根证书文件…",
    rootChosen: (name, bytes) => `已选择：${name}（${bytes} 字节）`,
    rootClear: "不用根证书",
    rootUnreadable: "无法读取所选文件，请重新选择 (the chosen file could not be read; choose it again)",
    deviceNameHint: "办公室的笔记本列表中显示这个名称",
    enrolling: "正在注册并首次同步…",
    arrived: (name, contracts, sites, parts) =>
      `已注册为 ${name}。首次同步完成：本机现有 ${contracts} 个合同、${sites} 个点位、${parts} 种备品备件。`,
    enrolledSyncLater: (name, why) => `已注册为 ${name}。首次同步未完成（${why}），同步稍后会在后台自动重试。`,
    aloneTitle: "按合同模板建立合同",
    contractCode: "合同编号",
    contractName: "项目名称",
    client: "采购人（客户）",
    serviceStart: "服务期开始",
    serviceEnd: "服务期结束",
    preset: "合同模板（时限规则与备品下限）",
    presetFloor: (units, parts) => `主要设备备品 ≥ ${units} 台、备件 ≥ ${parts} 件`,
    presetNoFloor: "无备品下限",
    createContract: "建立合同",
    aloneDone: (code) => `合同 ${code} 已建立，“今日”可以使用了。`,
    aloneNext:
      "点位可以在“合同与点位”中添加（也可用 fieldlog import sites 从客户的表格导入）。以后如需与办公室同步，可向办公室索取注册码，在“同步”页注册本机。",
    toToday: "进入今日",
    toCatalogue: "打开合同与点位",
  },
  siteForm: { title: "＋ 添加点位", add: "添加点位" },
  faultEntry: {
    newFault: "报修登记",
    title: "登记报修",
    contract: "合同",
    site: "点位",
    siteSearch: "按编号或名称查找点位",
    device: "设备（可选）",
    noDevice: "不指定设备",
    level: "故障等级",
    callTime: "报修时间",
    callTimeNote: "默认为现在；电话来得更早时请填来电时间，时限从来电时起算",
    channel: "报修渠道",
    channels: zhLabels.ReportChannel,
    caller: "报修人",
    callerPhone: "联系电话",
    firstReceiver: "首问负责人",
    description: "故障描述",
    save: "保存报修",
    choose: "请选择",
    noSites: "没有匹配的点位",
    reportHere: "在此点位报修",
    happenedAt: "实际发生时间",
    happenedAtNote: "留空即为现在；事后补录时填实际时间",
    enteredLater: zhLabels.Phrase.entered_later,
    enteredLaterEvents: zhLabels.Phrase.entered_later_events,
    enteredLaterTitle: (recorded) => `保存于 ${recorded}`,
    group: zhLabels.TodayGroup,
    filters: "筛选",
    allContracts: "全部合同",
    allLevels: "全部等级",
    allStatuses: "全部状态",
    mineOnly: "只看我的",
    noneMatch: "没有符合筛选条件的故障",
    informed: "已告知客户",
    informHow: "告知方式",
    enteredLaterNote: "这些事件的保存时间比所填发生时间晚 5 分钟以上；时限按所填时间计算，请核对。",
    enteredLaterNone: "没有补录的事件",
    statedAt: "所填发生时间",
    recordedAt: "保存时间",
    event: "事件",
    count: (events, faults) => `${events} 条事件（涉及 ${faults} 个故障）`,
  },
  stockMoves: {
    mine: "本人持有",
    inTransit: "在途",
    total: "合同合计",
    action: "操作",
    actions: {
      receive: "入库",
      use: "单独使用",
      give_back: "退库（交回仓库）",
      transfer: "调拨给同事",
      to_contract: "调往其他合同",
    },
    reason: "用途（原因）",
    fault: "关联故障（可不填）",
    colleague: "接收同事",
    pickColleague: "请选择同事",
    noColleagues: "本机还没有同事的资料：同步后，本合同的同事会出现在这里",
    toContract: "调往合同",
    pickContract: "请选择合同",
    submit: "登记",
    transfers: "调拨记录",
    noTransfers: "没有调拨记录",
    from: "调出人",
    to: "接收人",
    state: "状态",
    inTransitState: "在途，等待对方确认",
    awaitingYou: "待您确认收货",
    confirmed: (at) => `已确认收货（${at}）`,
    confirm: "确认收货",
    addPart: "添加备件",
    addPartSubmit: "添加到备件目录",
    addPartNotAllowed: "本合同的备件目录由办公室维护",
    mainEquipment: "主要设备的备件（计入合同下限）",
    model: "型号",
    floorTitle: "备品备件低于合同下限",
    floorLine: (contract) => `${contract}：主要设备备品备件不足`,
    floorUnits: (n, floor) => `备品 ${n} / 下限 ${floor}`,
    floorParts: (n, floor) => `备件 ${n} / 下限 ${floor}`,
  },
  photos: {
    title: "照片",
    none: "还没有照片",
    add: "添加照片",
    stage: "拍摄阶段",
    stageLabel: zhLabels.PhotoStage,
    adding: "正在添加…",
    taken: "拍摄于",
    noExif: "照片未记录拍摄时间",
    open: "查看原图",
    close: "关闭",
    hint: "选择照片文件，或用电脑摄像头拍摄（JPEG/PNG，最大 30 MB）",
  },
  backup: {
    title: "备份与恢复",
    note: "备份是一个文件，含本机全部记录、照片、签名密钥和同步凭据。应用运行时也可以备份。请像保管笔记本一样保管它。",
    backUp: "立即备份",
    backingUp: "正在备份…",
    done: (path, kb) => `已备份到 ${path}（${kb} KB）`,
    keyInside: "此备份含签名密钥。",
    show: "在文件夹中显示",
    restoreTitle: "从备份恢复",
    file: "备份文件",
    fileHint: "备份文件的完整路径，例如 U 盘上的 Fieldlog备份-….fieldlog-backup",
    restore: "恢复…",
    confirm: (file) =>
      `将用 ${file} 替换本机当前的全部记录。当前档案不会被删除：会先另存在数据文件夹中（文件名含“before-restore”和时间）。恢复后请关闭并重新打开 Fieldlog。确定恢复吗？`,
    confirmYes: "确定恢复",
    cancel: "取消",
    restoring: "正在恢复…",
    restored: (kept) => `已恢复。原档案已另存为 ${kept}（未删除）。请关闭并重新打开 Fieldlog。`,
    enrolledNote: "此备份已注册同步：本机现在就是备份时的那台设备，旧电脑上的档案请不要再用。",
    moving:
      "换电脑：在旧电脑上备份，在新电脑上恢复（签名密钥只随备份转移）；或在新电脑上用新的注册码注册，让同步带回记录，再请办公室在控制台“笔记本”页停用旧电脑。",
  },
  // Issue 20: the About on the settings screen, and the missing-font notice.
  about: {
    title: "关于",
    version: "版本",
    commit: "提交",
    pdfFont: "PDF 字体",
    fontMissingTitle: "缺少中文字体：安装之前无法导出 PDF",
  },
};

const en: Messages = {
  appName: "Fieldlog field maintenance",
  console: consoleEn,
  technicianIs: (name) => `Technician: ${name}`,
  noProfile: "No technician set",
  nav: { today: "Today", faults: "Faults", reports: "Reports", summary: "Summary", stock: "Spare parts", catalogue: enLabels.Phrase.contracts_and_sites, settings: "Settings" },
  common: {
    loading: "Loading…",
    cancel: "Cancel",
    submit: "Submit",
    saved: "Saved",
    none: "—",
    yes: "Yes",
    no: "No",
    remove: "Remove",
    colon: ": ",
  },
  level: enLabels.FaultLevel,
  status: enLabels.FaultStatus,
  clockKind: enLabels.ClockKind,
  clockState: enLabels.ClockState,
  countdown: {
    left: (t) => `${t} left`,
    overdue: (t) => `${t} overdue`,
    days: (d) => `${d}d`,
  },
  eventKind: enLabels.FaultEventKind,
  eventField: {
    by: "By",
    fixed: "Fixed remotely",
    note: "Note",
    to: "To",
    reason: "Reason",
    arrival: "Check-in",
    part: "Spare",
    serial: "Serial",
    how: "How",
    cause: "Cause",
    told: "Told",
    answer: "Answer",
    oldSerial: "Old serial",
  },
  unresolvedReason: enLabels.UnresolvedReason,
  forceMajeureState: enLabels.ForceMajeureState,
  faultCause: enLabels.FaultCause,
  spareKind: enLabels.SpareKind,
  movementKind: enLabels.MovementKind,
  reportStatus: enLabels.ReportStatus,
  inspectionKind: enLabels.InspectionKind,
  role: enLabels.SignerRole,
  deviceKind: enLabels.DeviceKind,
  siteKind: enLabels.SiteKind,
  catalogue: {
    title: enLabels.Phrase.contracts_and_sites,
    empty: "No contracts on this laptop yet. Once it is enrolled and synced, the contracts, sites and spare parts the office set up appear here.",
    search: "Search sites",
    searchHint: "Site code, name, address, device model or serial",
    client: "Client",
    period: (from, to) => `Service ${from} to ${to}`,
    ended: enLabels.Phrase.service_ended,
    floor: (units, parts) => `Spare floor: ${units} units, ${parts} parts`,
    policy: (v) => `SLA policy version ${v} (new faults are timed by it)`,
    level: "Fault level",
    response: "Response",
    arrival: "Arrival",
    resolution: "Resolution after arrival",
    minutes: (n) => (n % 1440 === 0 ? `${n / 1440} d` : n % 60 === 0 ? `${n / 60} h` : `${n} min`),
    sites: "Sites and devices",
    siteCount: (shown, total) => (shown === total ? `${total}` : `${shown} of ${total}`),
    siteCode: "Site code",
    siteName: "Name",
    siteKind: "Kind",
    address: "Address",
    devices: "Devices",
    serial: "Serial",
    noDevices: "No devices",
    noSites: "No sites in this contract yet",
    noMatch: "No site matches the search",
    parts: "Spare parts catalogue",
    partCode: "Part code",
    partName: "Name",
    model: "Model",
    partKind: "Unit or part",
    equipment: "Equipment",
    main: enLabels.Phrase.main_equipment,
    other: enLabels.Phrase.other_equipment,
    noParts: "No spare parts in this contract yet",
  },
  today: {
    title: "Today",
    openFaults: "Open faults",
    noOpenFaults: "No open faults",
    inspections: "Inspections due",
    noInspections: "No inspections due today",
    plannedFor: "Planned for",
    inspectionDone: "Inspection checked in",
    reports: "Today's reports",
    noReports: "No report yet today",
    fillReport: "Fill in today's report",
    entryCount: (n) => `${n} ${n === 1 ? "entry" : "entries"}`,
  },
  faults: { title: "Faults", openOnly: "Open", all: "All", empty: "No faults" },
  fault: {
    title: "Fault",
    contract: "Contract",
    level: "Level",
    site: "Site",
    device: "Device",
    reportedAt: "Reported at",
    firstReceiver: "First receiver",
    description: "Description",
    status: "Status",
    clocks: "Clocks",
    clockKind: "Clock",
    clockState: "State",
    started: "Started",
    deadline: "Deadline",
    stopped: "Stopped",
    remaining: "Left / overdue",
    rule: "Promise",
    timeline: "Timeline",
    noEvents: "Nothing recorded yet",
    arrivals: "Check-ins",
    noArrivals: "No check-in yet",
    actions: "Actions",
    holderUnassigned: "Unassigned",
    holderMine: "Mine",
    holderOther: (name) => `Assigned to ${name}`,
    holderDisputed: (names) => `Disputed: ${names.join(", ")}`,
    take: "Take",
  },
  action: {
    ack: "Acknowledge",
    remote: "Remote support",
    escalate: "Escalate",
    checkin: "Check in on site",
    spare: "Substitute spare",
    resolve: "Resolved",
    unresolve: "Unresolved",
    inform: "Customer informed",
    cause: "Determine cause",
    completion: "Completion form",
    remoteFixed: "Fixed remotely",
    escalateTo: "Escalate to",
    informHow: "How (phone, SMS, in person…)",
    choose: "Choose",
    ackBy: (name) => `By: ${name}`,
    onsite: "Escalate to on-site support",
    claim: "Claim force majeure",
    agreement: "Client's answer",
    toldWhom: "Client told (whom)",
    answeredBy: "Answered by (client)",
  },
  checkin: {
    locating: "Getting the position…",
    confirmSite: (site) => `I am at ${site}`,
    noPosition: "The position is not available; confirm that you are at the site:",
    arrivedAt: (time) => `Checked in at ${time}`,
    clockSuspect: "Warning: this computer's clock may be wrong (it reads earlier than a time already recorded). Check the clock.",
    byHand: "site confirmed by hand",
    located: (lat, lon) => `position ${lat}, ${lon}`,
  },
  report: {
    title: "Daily maintenance report",
    contract: "Contract",
    technician: "Technician",
    date: "Date",
    status: "Status",
    entries: "Entries",
    noEntries: "No entries yet",
    position: "No.",
    site: "Site",
    device: "Device",
    fault: "Fault",
    faultCause: "Fault cause",
    resolved: "Resolved",
    unresolvedReason: "Unresolved reason",
    workDone: "Work done",
    parts: "Parts used",
    part: "Part",
    quantity: "Qty",
    oldSerial: "Old serial",
    newSerial: "New serial",
    arrivals: "Check-ins that day",
    signatures: "Signatures",
    noSignatures: "Not signed yet",
    addEntry: "Add entry",
    addPart: "Add part",
    chooseSite: "Choose a site",
    noDevice: "(no device)",
    noFault: "(no fault)",
    chooseReason: "Choose a reason",
    choosePart: "Choose a part",
    signTechnician: "Technician signs",
    signedAt: (time) => `Signed · ${time}`,
    amend: "Amend",
    amendReason: "Reason for the amendment",
    amendSubmit: "Create amendment",
    amends: "Amends",
    amendedBy: "Amended by",
    amendNote: (reason) => `Amendment reason: ${reason}`,
    contentBroken: "Warning: this report was changed after it was signed; it no longer matches what was signed.",
    draftRestored: "Restored what you had not submitted",
    autosaved: "Saved as you type",
    arrivalTime: "Arrived at",
    arrivalPlace: "Position",
    signer: "Signer",
    role: "Role",
    signedTime: "Signed at",
    heldTitle: enLabels.Phrase.held_after_signing,
    heldNote: "These entries reached the server after the report was signed (or the signature does not cover them). They are listed apart and count neither in the signed report nor in the monthly summary; their parts still count in stock. Check them with your lead and amend the report if they belong in it.",
    heldAt: (position, time) => `No. ${position}: kept apart by the server at ${time}`,
  },
  reports: { title: "Reports", empty: "No reports yet", entries: "Entries", monthly: "Monthly summary", month: "Month" },
  summary: {
    title: "Monthly maintenance summary",
    period: "Period",
    asOf: "As of",
    client: "Client",
    reported: "Reported for repair",
    repaired: "Repaired",
    unresolved: "Unresolved",
    resolutionRate: "Resolution rate",
    carriedOverRepaired: "Carried over, repaired",
    carriedOverOpen: "Carried over, still open",
    forceMajeure: "Force majeure",
    unattributed: "Faults nobody worked on",
    byReason: "Unresolved by reason",
    pending: "In progress (no reason yet)",
    reason: "Reason",
    count: "Count",
    compliance: "SLA compliance by fault level",
    complianceNote: "Running and exempt clocks are left out of the rates",
    complianceTable: "Each level's clocks",
    level: "Level",
    clock: "Clock",
    faults: "Faults",
    met: "Met",
    breached: "Breached",
    running: "Running",
    exempt: "Exempt",
    rate: "Rate",
    parts: "Spare parts consumed",
    noParts: "No parts consumed in this period",
    quantity: "Qty",
    stockAtClose: "Stock at the close",
    underFloor: "Parts under the contract floor",
    noneUnderFloor: "Stock at the close is not under the contract floor",
    forceMajeureCases: "Force-majeure faults",
    noForceMajeure: "No force-majeure faults in this period",
    claims: (claimed, pending, accepted, refused) =>
      `${claimed} claimed: ${pending} pending, ${accepted} accepted (not a breach), ${refused} refused (counted as usual)`,
    agreement: "Client's answer",
    told: "Told",
    substitutions: "Spare substitutions",
    noSubstitutions: "No spare substitutions in this period",
    spare: "Spare",
    oldSerial: "Old serial",
    newSerial: "New serial",
    reportedAt: "Reported",
    cause: "Cause",
    description: "Description",
    site: "Site",
    device: "Device",
    technicians: "Per technician",
    noTechnicians: "No technician recorded anything in this period",
    technician: "Technician",
    partsUsed: "Parts used",
    drillHint: "Click any number or chart bar to see the faults behind it",
    drillEmpty: "No faults",
    drillClose: "Close",
    drillUnknown: "(not in this summary)",
    exports: "Export this month's summary",
  },
  exportPdf: { button: "Export signed PDF", xlsx: "Export Excel (XLSX)", csv: "Export CSV", busy: "Exporting…", savedTo: "Saved to: ", open: "Open", show: "Show in folder" },
  signature: {
    clear: "Clear",
    confirm: "Confirm",
    empty: "Please sign inside the box first",
    hint: "Sign inside the box",
    captured: "Signed",
    redo: "Sign again",
  },
  completion: {
    title: "Completion form",
    fault: "Fault",
    clocks: "Clocks",
    work: "Work done and parts",
    technicianSign: "Technician's signature",
    customerSign: "Customer representative's signature",
    customerName: "Customer representative's name",
    submit: "Submit signatures",
    bothNeeded: "Both the technician and the customer must sign and confirm first",
    signed: "Signed and confirmed",
    notResolved: "The fault is not resolved yet",
  },
  stock: {
    title: "Spare parts",
    code: "Code",
    name: "Name",
    kind: "Kind",
    balance: "Balance",
    unitsTotal: (n, floor) => `Spare units ${n} / floor ${floor}`,
    partsTotal: (n, floor) => `Spare parts ${n} / floor ${floor}`,
    unitsBelow: "Spare units are below the contract floor: tell the project manager",
    partsBelow: "Spare parts are below the contract floor: tell the project manager",
    movements: (part) => `Movements: ${part}`,
    noMovements: "No movements",
    time: "Time",
    movement: "Kind",
    quantity: "Qty",
    note: "Note",
    serials: "Serials (old → new)",
    receive: "Receive",
    receiveSubmit: "Record receipt",
    pickPart: "Click a part on the left to see its movements or record a receipt",
  },
  settings: {
    title: "Settings",
    profile: "Technician on this computer",
    name: "Name",
    staffNo: "Staff no.",
    saveProfile: "Save technician",
    preferences: "Preferences",
    language: "Language",
    serverUrl: "Server address",
    serverUrlHint: "Used by sync, e.g. https://fieldlog.example.cn",
    savePreferences: "Save settings",
    contracts: "Contracts and SLA policies",
    contractsNote:
      "The presets corrected against the contract texts (each contract promises only its own terms). Taking one makes a new policy version for faults reported from now on; faults already recorded keep theirs.",
    policyVersion: (v) => `Policy version ${v}`,
    preset: "Preset",
    presetName: enLabels.Preset,
    adoptPreset: "Take the corrected preset",
    adopted: (v) => `Taken: version ${v}, for faults reported from now on`,
  },
  time: { unknown: "—" },
  notFoundScreen: "Page not found",
  sync: {
    title: "Sync",
    state: {
      not_enrolled: "Not enrolled",
      idle: "Synced",
      syncing: "Syncing",
      offline: "Offline (will retry)",
      failed: "Sync failed",
      revoked: "Laptop revoked",
    },
    phase: { pushing: "Sending", pulling: "Receiving" },
    progress: (pushed, pulled) => `${pushed} sent, ${pulled} received`,
    lastGood: (t) => `Last good sync: ${t}`,
    never: "Never synced",
    pending: (n) => (n === 0 ? "Nothing waiting to send" : `${n} changes waiting to send`),
    conflicts: (n) => `${n} conflicts to settle`,
    nextAttempt: (t) => `Retrying at ${t}`,
    syncNow: "Sync now",
    clockOff: (minutes) =>
      `This laptop's clock is about ${minutes} min off the server's: set the system time; arrivals recorded meanwhile are marked "time in doubt" in the monthly summary`,
    failedHint: "Do what the message says; if this laptop was disabled, ask the administrator for a new code and enroll again below.",
    revokedShort: "Data kept here; contact the administrator",
    revokedHint: "This laptop no longer syncs and does not keep retrying; everything on it works as before. With a new enrollment code, enroll this laptop again below: sync resumes and the waiting changes go up.",
    notEnrolledHint: "This laptop is not enrolled with a sync server. Ask the administrator for a one-time code and enroll below; it then syncs in the background.",
    server: "Server",
    enrollTitle: "Enroll this laptop",
    reenrollTitle: "Enroll again",
    serverUrl: "Server address",
    code: "Enrollment code",
    deviceName: "Laptop name",
    defaultDeviceName: (technician) => `${technician}'s laptop`,
    enroll: "Enroll",
    enrolled: (name, contracts) => `Enrolled as ${name}; contracts: ${contracts || "none"}`,
    conflictsTitle: "Sync conflicts",
    noConflicts: "No conflicts to settle",
    field: "Field",
    ours: "This laptop",
    theirs: "Server",
    allOurs: "Keep all of mine",
    allTheirs: "Take all of the server's",
    save: "Save choices",
    settleNote: "The same field was changed here and on the server in two ways. Pick which to keep for each; saving sends the result up as a new change.",
    reviewNote:
      "This is evidence (a fault, an arrival, a signature, a signed report…), which never changes once recorded. The server kept the version that arrived first and keeps this laptop's too for the project manager to review; nothing to pick here.",
    acknowledge: "Got it",
    foundAt: (t) => `Found ${t}`,
    empty: "(empty)",
    entity: enLabels.SyncEntity,
    fieldName: enLabels.SyncField,
  },
  clockSuspect: {
    title: enLabels.Phrase.clock_suspect_arrivals,
    note: "When these arrivals were recorded the device clock was more than 5 minutes off the server's, or ran backwards: check their times. They still count in the SLA clocks as recorded.",
    none: "No arrivals with the time in doubt",
    arrivedAt: "Recorded arrival",
    receivedAt: "Received by server",
    doubt: "Why",
    doubtLabel: enLabels.ClockDoubt,
    count: (arrivals, faults) => (faults > 0 ? `${arrivals} arrivals (${faults} faults)` : `${arrivals} arrivals`),
  },
  reportMonth: {
    filters: "Filters",
    allContracts: "All contracts",
    status: "Status",
    anyStatus: "Any status",
    statusDraft: "Draft",
    statusSigned: "Signed",
    statusCorrected: "Corrected",
    missingTitle: "Working days without a report this month",
    missingNote: "Days of the service period before today with no report yet (7×24 service: every day is a working day).",
    missingNone: "No day without a report this month",
    fill: "Fill in",
    filledLate: (t) => `Filled in later, ${t}`,
    corrected: "Corrected",
    edit: "Edit",
    delete: "Delete",
    strike: "Strike",
    editTitle: "Edit entry",
    save: "Save changes",
    reason: "Reason for the change",
    reasonNeeded: "Correcting a signed report needs a reason",
    confirmDelete: "Confirm delete",
    struck: "Struck",
    changeReason: "Reason",
    changesTitle: "Changes against the original report",
    changeKind: enLabels.EntryChangeKind,
    field: {
      site_id: "Site",
      device_id: "Device",
      fault_id: "Fault",
      fault_cause: "Fault cause",
      resolved: "Resolved",
      unresolved_reason: "Unresolved reason",
      work_done: "Work done",
      parts: "Parts",
    },
  },
  inspection: {
    nav: "Inspections",
    title: "Inspections",
    open: "To inspect",
    none: "No inspections to do",
    done: "Done lately",
    overdue: "Overdue",
    due: "Due this period",
    dueBy: "Due by",
    period: "Period",
    progress: (ticked, items) => `${ticked}/${items} items ticked`,
    findingCount: (n) => `${n} finding(s)`,
    plans: "Inspection plans",
    noPlans: "No inspection plans yet",
    newPlan: "New inspection plan",
    contract: "Contract",
    kind: "Kind",
    startsOn: "Starts on",
    checklistHint: "Checklist, one item per line (empty: the kind's default items)",
    allSites: "Every site of the contract",
    addPlan: "Save plan",
    checklist: "Checklist",
    outcome: enLabels.TickOutcome,
    note: "Note",
    notePlaceholder: "What is wrong, or why not checked",
    tick: "Tick",
    findings: "Findings",
    noFindings: "No findings yet",
    newFinding: "Note a finding",
    device: "Device",
    noDevice: "(no device)",
    description: "What was found",
    addFinding: "Save finding",
    toFault: "Turn into a fault",
    level: "Fault level",
    becameFault: "Became a fault",
    complete: "Check in and complete",
    completeHint: "Once every item is ticked, checking in at the site completes the inspection.",
    doneAt: (t) => `Inspection done ${t}`,
    todayTitle: "Inspections",
    todayNone: "No inspections due or overdue",
    openInspection: "Open checklist",
    reportTitle: "Inspections done that day",
    reportNone: "No inspections done that day",
    outcomeCounts: (ok, notOk, skipped) => `${ok} OK · ${notOk} not OK · ${skipped} not checked`,
    summaryTitle: "Inspections",
    planned: "Planned",
    doneCount: "Done",
    toFaults: "Turned into faults",
  },
  firstStart: {
    title: "Welcome to Fieldlog",
    intro: "This laptop holds no data yet. Give your name and staff number, then enroll with the office's server or work alone on this laptop.",
    whoTitle: "1. The technician on this laptop",
    whoNext: "Next",
    choiceTitle: "2. How to start",
    choiceNote: "Enrolled, the contracts, SLA policies, sites and spare parts the office set up arrive on this laptop; working alone, you set up a contract here.",
    enrollChoice: "Enroll with a server",
    enrollChoiceNote: "When the office gave you a server address and an enrollment code (or a QR code)",
    aloneChoice: "Work alone",
    aloneChoiceNote: "Without a server: set up a contract from a contract preset on this laptop",
    back: "Back",
    link: "Text of the office's QR code (optional)",
    linkHint: "Paste text like fieldlog-enroll:1?server=…&code=… instead of typing the server address and code",
    or: "Or fill in:",
    root: "The administrator's root certificate file (when the https server needs it)",
    rootHint: "PEM or DER, usually a .pem, .crt or .cer file; the app checks that it is a certificate",
    rootChoose: "Choose the root certificate file…",
    rootChosen: (name, bytes) => `Chosen: ${name} (${bytes} bytes)`,
    rootClear: "No root certificate",
    rootUnreadable: "The chosen file could not be read: choose it again",
    deviceNameHint: "The office's list of laptops shows this name",
    enrolling: "Enrolling and syncing for the first time…",
    arrived: (name, contracts, sites, parts) =>
      `Enrolled as ${name}. First sync done: this laptop now holds ${contracts} contracts, ${sites} sites and ${parts} spare parts.`,
    enrolledSyncLater: (name, why) => `Enrolled as ${name}. The first sync did not finish (${why}); it will retry in the background.`,
    aloneTitle: "Set up a contract from a preset",
    contractCode: "Contract code",
    contractName: "Project name",
    client: "Client",
    serviceStart: "Service starts",
    serviceEnd: "Service ends",
    preset: "Contract preset (SLA policy and spare floor)",
    presetFloor: (units, parts) => `Main equipment: ≥ ${units} spare units, ≥ ${parts} spare parts`,
    presetNoFloor: "No spare floor",
    createContract: "Set up the contract",
    aloneDone: (code) => `Contract ${code} is set up: Today is ready.`,
    aloneNext:
      "Add sites under Contracts & sites (or import the client's spreadsheet with fieldlog import sites). To sync with the office later, ask the office for an enrollment code and enroll this laptop on the Sync screen.",
    toToday: "Go to Today",
    toCatalogue: "Open Contracts & sites",
  },
  siteForm: { title: "+ Add a site", add: "Add the site" },
  faultEntry: {
    newFault: "Record a fault",
    title: "Record a fault report",
    contract: "Contract",
    site: "Site",
    siteSearch: "Find a site by code or name",
    device: "Device (optional)",
    noDevice: "No particular device",
    level: "Level",
    callTime: "Call time",
    callTimeNote: "Now by default; if the call came earlier, give its time: the clocks start at the call",
    channel: "Channel",
    channels: enLabels.ReportChannel,
    caller: "Caller",
    callerPhone: "Caller's phone",
    firstReceiver: "First receiver",
    description: "What was said",
    save: "Save the report",
    choose: "Choose",
    noSites: "No site matches",
    reportHere: "Record a fault here",
    happenedAt: "When it happened",
    happenedAtNote: "Empty means now; give the real time when entering it afterwards",
    enteredLater: enLabels.Phrase.entered_later,
    enteredLaterEvents: enLabels.Phrase.entered_later_events,
    enteredLaterTitle: (recorded) => `saved ${recorded}`,
    group: enLabels.TodayGroup,
    filters: "Filters",
    allContracts: "All contracts",
    allLevels: "All levels",
    allStatuses: "All states",
    mineOnly: "Mine only",
    noneMatch: "No fault matches the filters",
    informed: "Customer told",
    informHow: "How",
    enteredLaterNote: "These events were saved more than 5 minutes after the time given; the clocks count the time given: check them.",
    enteredLaterNone: "No events entered later",
    statedAt: "Time given",
    recordedAt: "Saved",
    event: "Event",
    count: (events, faults) => `${events} events (${faults} faults)`,
  },
  stockMoves: {
    mine: "Held by you",
    inTransit: "In transit",
    total: "Contract total",
    action: "Action",
    actions: {
      receive: "Receive",
      use: "Use on its own",
      give_back: "Give back to the warehouse",
      transfer: "Transfer to a colleague",
      to_contract: "Move to another contract",
    },
    reason: "What it was used for",
    fault: "Fault (optional)",
    colleague: "Receiving colleague",
    pickColleague: "Choose a colleague",
    noColleagues: "No colleague's profile on this laptop yet: after a sync, the contract's colleagues appear here",
    toContract: "To contract",
    pickContract: "Choose a contract",
    submit: "Record",
    transfers: "Transfers",
    noTransfers: "No transfers",
    from: "From",
    to: "To",
    state: "State",
    inTransitState: "In transit, awaiting the receiver",
    awaitingYou: "Awaiting your confirmation",
    confirmed: (at) => `Confirmed (${at})`,
    confirm: "Confirm receipt",
    addPart: "Add a part",
    addPartSubmit: "Add to the catalogue",
    addPartNotAllowed: "The office keeps this contract's parts catalogue",
    mainEquipment: "A spare of the main equipment (counts for the floor)",
    model: "Model",
    floorTitle: "Spares under the contract's floor",
    floorLine: (contract) => `${contract}: main-equipment spares are short`,
    floorUnits: (n, floor) => `Spare units ${n} / floor ${floor}`,
    floorParts: (n, floor) => `Spare parts ${n} / floor ${floor}`,
  },
  photos: {
    title: "Photos",
    none: "No photos yet",
    add: "Add photo",
    stage: "Stage",
    stageLabel: enLabels.PhotoStage,
    adding: "Adding…",
    taken: "Taken",
    noExif: "The photo carries no time",
    open: "Open original",
    close: "Close",
    hint: "Pick a photo file, or take one with the laptop's camera (JPEG/PNG, up to 30 MB)",
  },
  backup: {
    title: "Backup and restore",
    note: "A backup is one file with every record on this laptop, the photos, the signing key and the sync credentials. You can back up while the app runs. Keep it as safe as the laptop.",
    backUp: "Back up now",
    backingUp: "Backing up…",
    done: (path, kb) => `Backed up to ${path} (${kb} KB)`,
    keyInside: "This backup holds the signing key.",
    show: "Show in folder",
    restoreTitle: "Restore from a backup",
    file: "Backup file",
    fileHint: "The backup file's full path (a .fieldlog-backup file), e.g. on a USB stick",
    restore: "Restore…",
    confirm: (file) =>
      `Every record on this laptop will be replaced by ${file}. The current profile is not deleted: it is first kept in the data folder (its name holds "before-restore" and the time). Close and reopen Fieldlog afterwards. Restore?`,
    confirmYes: "Restore",
    cancel: "Cancel",
    restoring: "Restoring…",
    restored: (kept) => `Restored. The profile as it was is kept at ${kept} (not deleted). Close and reopen Fieldlog.`,
    enrolledNote: "This backup is enrolled for sync: this laptop is now that device; stop using the old laptop's profile.",
    moving:
      "Moving to a new laptop: back up on the old one and restore on the new one (the signing key moves only with a backup); or enroll the new laptop with a new code and let sync bring the records, then have the office revoke the old laptop in the console's Laptops list.",
  },
  // Issue 20: the About on the settings screen, and the missing-font notice.
  about: {
    title: "About",
    version: "Version",
    commit: "Commit",
    pdfFont: "Font of the PDFs",
    fontMissingTitle: "No Chinese font: the PDFs cannot be exported until one is installed",
  },
};

const dictionaries: Record<Locale, Messages> = { "zh-CN": zhCN, en };

/** The language shown now; set from the saved settings at start-up and on change in Settings. */
export const locale = ref<Locale>("zh-CN");

/** The labels of the current language; read it in templates as `m.nav.today`. */
export const m = computed<Messages>(() => dictionaries[locale.value]);

export function setLocale(next: Locale): void {
  locale.value = next in dictionaries ? next : "zh-CN";
  document.documentElement.lang = locale.value;
  document.title = dictionaries[locale.value].appName;
}

/** A clock's rule in the current language (the core says it in both). */
export function ruleText(clock: { rule: string; rule_en?: string }): string {
  return locale.value === "en" && clock.rule_en ? clock.rule_en : clock.rule;
}
