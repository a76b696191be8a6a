// The office console's labels, zh-CN and en: a section (`m.console`) of the app's one label table
// (../i18n.ts), so the console switches language with the same `locale` and shares the generated
// labels (../generated/labels.ts) for every stable code the app also shows.
import type { OfficeErrorCode, Role } from "../generated/office";

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
    contracts: string;
    catalogue: string;
    technicians: string;
    laptops: string;
    accounts: string;
    audit: string;
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
  contracts: {
    title: string;
    code: string;
    name: string;
    empty: string;
    pendingApi: string;
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
  role: { administrator: "管理员", project_manager: "项目经理", customer_manager: "客服经理" },
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
  },
  nav: {
    contracts: "合同",
    catalogue: "站点与备件",
    technicians: "技术员",
    laptops: "笔记本",
    accounts: "账号",
    audit: "审计日志",
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
    grantsNote: "项目经理和客服经理只能看到这里勾选的合同。",
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
    },
  },
  contracts: {
    title: "合同",
    code: "合同编号",
    name: "合同名称",
    empty: "还没有合同",
    pendingApi: "新建合同、SLA 策略和关闭合同将在服务器提供对应接口后启用。",
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
  },
  nav: {
    contracts: "Contracts",
    catalogue: "Sites & parts",
    technicians: "Technicians",
    laptops: "Laptops",
    accounts: "Accounts",
    audit: "Audit log",
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
    },
  },
  contracts: {
    title: "Contracts",
    code: "Code",
    name: "Name",
    empty: "No contracts yet",
    pendingApi: "Creating contracts, SLA policies and closing contracts arrive with their server API.",
  },
};
