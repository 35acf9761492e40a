# duban 错误信息（简体中文，默认语言）。格式：键 = 文字；{ $名称 } 为占位符。
# 键为 error- 加错误代码（点换为连字符）；同一代码有几种说法时再加后缀。thing- 为错误中提到的事物。
thing-plan = 计划
thing-plan_version = 计划版本{ $version }
thing-item = 任务
thing-task = 任务
thing-parent_item = 上级任务
thing-indicator = 指标
thing-report = 报告
thing-extension = 延期申请
thing-notice = 通知
thing-supervision = 督办
thing-evidence = 佐证材料
thing-unit = 单位
thing-user = 用户
thing-session = 登录会话
thing-period = 期次
thing-period_key = 期次“{ $key }”
error-not_found = { $what }不存在
error-stale_version = { $what }已被他人修改，请刷新后重试
error-forbidden = 无权进行此操作
error-internal = 服务器内部错误，请稍后重试；如仍失败请联系系统管理员

# duban-app/src/offline.rs
error-sheet-other_plan = 此报送表属于另一个计划，请在对应计划下上传
error-sheet-other_unit = 此报送表属于其他单位，只能由该单位的人员上传

# duban-core/src/evidence.rs
error-evidence-empty = 文件为空
error-evidence-name = 文件名须为1至200个字符
error-evidence-type = 只接受 PDF、PNG、JPEG、Word(.docx)、Excel(.xlsx)、PowerPoint(.pptx) 和文本文件

# duban-core/src/periods.rs
error-period-dates = 期次日期须满足：开始 ≤ 结束 ≤ 报送截止
error-period-due_day = 报送日须在1至28日之间
error-period-grace = 宽限天数不能超过60天
error-period-key = 期次编号不能为空且不超过40字

# duban-office/src/ledger_import.rs
error-ledger-no_year = 无法确定计划年度：请在表头上方的标题中写明年份（如“2022年”），或在完成时限中写明日期

# duban-office/src/report_sheet.rs
error-sheet-columns_changed = 报送表的列被修改过（第3行表头与下载时不同），请在下载的表格中填写，不要增删或移动列
error-sheet-not_ours = 这不是从本系统下载的报送表（缺少表格标识），请先下载本期报送表再填写
error-sheet-not_ours-damaged = 报送表的标识已损坏，请重新下载

# duban-office/src/workbook.rs
error-file-empty = 文件为空
error-file-encrypted = 该工作簿设置了打开密码，请在 Excel 中取消密码后重新上传
error-file-legacy_xls = 这是旧版 Excel（.xls）文件，请另存为 .xlsx 后上传
error-file-no_sheet = 工作簿中没有工作表

# duban-store/src/db.rs
error-database-schema = 模式名无效
error-duplicate = 记录已存在
error-idempotency-key_reused = 此幂等键已用于另一个请求
error-reference = 引用的记录不存在或仍被使用
error-store-unavailable = 数据库暂时无法写入，本次操作未保存，请稍后重试

# duban-store/src/plans.rs
error-assignment-role = 角色应为 lead、co 或 responsible
error-indicator-has_values = 该指标已有报送数值，不能删除
error-indicator-milestone = 阶段目标值须为有限数
error-indicator-op = 比较符应为 >=、>、<=、<、= 或 range
error-indicator-op-finite = 比较符应为 >=、>、<=、<、= 或 range，数值须有限
error-indicator-value-finite = 数值须为有限数
error-item-has_reports = 该任务已有报送记录，不能删除
error-item-parent = 上级任务不属于该计划
error-item-parent_has_reports = 该任务已有报送记录，不能再分解出下级任务
error-item-title = 任务标题不能为空且不超过500字
error-plan-empty = 文件中没有找到编号的任务
error-plan-not_draft = 计划已发布，不能直接修改
error-plan-revision_reason = 修改已发布的计划须说明理由（不超过500字），修改后形成新版本
error-plan-year = 无法从文件中确定计划年度

# duban-store/src/reports.rs
error-extension-decided = 该申请已处理
error-extension-reason = 请说明延期理由
error-plan-not_published = 计划尚未发布
error-report-item = 该任务不属于此期次的计划
error-report-milestone = 里程碑须有名称（不超过200字），状态为 not_started、in_progress 或 done
error-report-milestones = 里程碑不超过200个
error-report-not_assigned = 该单位不承担此任务
error-report-percent = 完成百分比应在0到100之间
error-report-progress_empty = 请填写工作进展后再报送
error-report-reason_long = 理由不超过2000字
error-report-reason_required = 退回须说明理由
error-report-state = 状态应为 draft、submitted、returned 或 approved
error-report-value = 指标值须为有限数值
error-report-value_twice = 同一指标只能填一个值

# duban-store/src/shares.rs
error-share-value = 分解值须为非负数，且每个单位只出现一次

# duban-store/src/synthetic.rs
error-synthetic-not_empty = 数据库非空
error-synthetic-spec = 参数不一致

# duban-store/src/units.rs
error-unit-kind = 单位类型应为 department、government、zone、enterprise 或 other
error-unit-name = 单位名称不能为空且不超过100字
error-unit-parent = 单位不能是自己的上级
error-unit-batch = 一次新建的单位须在 1 至 2000 个之间

# duban-store/src/users.rs
error-user-unit = 单位领导和填报人须属于一个单位；管理员和查看者不属于单位
error-user-username = 用户名为1至64个字母、数字或 . _ - @

# duban-web/src/api/mod.rs
error-idempotency-key = Idempotency-Key 须为1至200个字符

# duban-web/src/api/periods.rs
error-period-kind = 期次类型应为 monthly、quarterly 或 custom

# duban-web/src/api/reports.rs
error-todo-unit = 请指定单位（unit=）

# duban-web/src/auth.rs
error-csrf = 缺少或错误的CSRF令牌，请刷新页面后重试
error-login-failed = 用户名或密码错误
error-unauthenticated = 请先登录

# duban-web/src/gate.rs
error-busy = 忙
error-login-busy = 登录请求过多，请稍后再试
error-upload-busy = 服务器正忙于处理其他上传文件，请稍后再试

# duban-web/src/lib.rs
error-route-not_found = 请求的地址不存在

# duban-web/src/pages/mod.rs
error-csrf-form = 表单已过期或来源不明（CSRF令牌不符），请刷新页面后重试
error-csrf-login = 登录表单已过期或不是从本站打开的，请重新打开登录页后再登录

# duban-web/src/pages/office.rs
error-report-reason = 退回时请填写原因
error-review-none = 请先勾选要审核的报告

# duban-web/src/pages/reporting.rs
error-evidence-none = 请选择要上传的文件
error-file-empty-sheet = 请选择填好的报送表

# duban-web/src/pages/setup.rs
error-indicator-value = 目标值应为数字
error-user-role = 角色不正确
error-file-empty-choose = 请选择要导入的文件
error-file-too_large = 文件过大（{ $bytes } 字节），上限为 { $limit_mb } MB
error-file-too_large-inflated = 工作簿解压后超过 { $limit_mb } MB，请拆分后上传
error-file-wrong_type-pdf = 不是 Excel 工作簿（.xlsx）文件，而是 PDF
error-file-wrong_type-other = 不是 Excel 工作簿（.xlsx）文件
error-file-wrong_type-word = 这是 Word 文档，不是 Excel 工作簿
error-file-wrong_type-zip = 压缩包中没有 Excel 工作簿
error-file-corrupt = Excel 文件已损坏，无法读取：{ $reason }
error-file-no_sheet-named = 工作簿中没有名为“{ $sheet }”的工作表
error-file-too_many_cells-beyond = 工作表“{ $sheet }”的单元格 { $cell } 有内容，超出可读取的范围（最多 { $rows } 行、{ $cols } 列）；请删除多余内容后上传
error-file-too_many_cells = 工作表“{ $sheet }”的内容过多（合并单元格或文字过大），请拆分后上传

# The problems of an uploaded report sheet, one per cell (duban-office report_sheet, duban-app offline).
sheet-cell = 第{ $line }行“{ $column }”列：{ $problem }
error-sheet-invalid = 表格中有{ $count }处错误，未保存任何内容：{"\u000A"}{ $problems }
sheet_problem-no_key = 编号为空：请不要增加行
sheet_problem-version_changed = 版本被修改
sheet_problem-finished_not_100 = 已标为完成，完成进度应为100或留空
sheet_problem-indicator_outside_task = 指标行不在任务行之下
sheet_problem-task_not_owed = 该任务不是本单位本期应报的任务
sheet_problem-indicator_not_of_task = 该指标不属于上面的任务
sheet_problem-report_changed = 下载本表后，该报告已在系统中修改，请重新下载报送表后再填写
sheet_problem-report_missing = 表中记录的报告在系统中不存在，请重新下载报送表
sheet_problem-progress_required = 报送前请填写本期进展
sheet_problem-percent_range = “{ $value }”应为0到100之间的数字
sheet_problem-yes_no = “{ $value }”应为“是”或“否”
sheet_problem-text_too_long = 不超过{ $max }字（现有{ $count }字）
sheet_problem-not_a_number = “{ $value }”不是数字
sheet_problem-unknown_key = 编号“{ $key }”无法识别：请不要修改灰色单元格
sheet_problem-report_closed = 该报告{ $state }，不能再修改；如需修改请联系办公室退回

# Report states and actions inside a sentence.
report_state-draft = 草稿
report_state-signing = 待审签
report_state-submitted = 已报送
report_state-returned = 已退回
report_state-approved = 已审核
report_action-save = 修改
report_action-submit = 报送
report_action-approve = 审核通过
report_action-return = 退回
report_action-reopen = 重新打开
report_action-sign = 审签报送
report_action-send_back = 退回修改
error-report-wrong_state = 报告当前为“{ $state }”，不能{ $action }
error-ledger-no_header = 工作表“{ $sheet }”的前20行中没有找到表头（应含“重点任务”或“具体举措”，以及“责任单位”等列）
error-plan-empty-sheet = 工作表“{ $sheet }”的表头下没有任务行
error-plan-unreadable-empty = 无法读取文件：文件为空
error-plan-unreadable-too_large = 无法读取文件：文件过大（{ $size } 字节，上限 { $limit } 字节）
error-plan-unreadable-pdf_no_text = 无法读取文件：该 PDF 没有文字层（是扫描件或页面图片），请索取 .docx 原件，或由 Word、WPS 导出的 PDF
error-plan-unreadable-pdf_no_unicode = 无法读取文件：该 PDF 的字体没有 Unicode 对照表，文字无法识别（排版系统生成的公文 PDF 常见），请索取 .docx 原件，或将文字复制到 .txt 文件
error-plan-unreadable-bad_pdf = 无法读取文件：PDF 文件无法解析（{ $reason }）
error-plan-unreadable-pdf_inflated = 无法读取文件：该 PDF 的压缩内容解压后超过 { $limit_mb } MB，正常的方案文件不会如此（文件已损坏或为恶意构造）
error-plan-unreadable-legacy_doc = 无法读取文件：这是 Office 97–2003 文件，但不是 Word 文档（可能是 Excel 或 PowerPoint 文件）
error-plan-unreadable-wps_native = 无法读取文件：该 .wps 文件是 WPS 自有格式，不是 Word 格式，请在 WPS 中打开并另存为 .docx
error-plan-unreadable-encrypted = 无法读取文件：该 Word 文档设有密码，请另存一份不带密码的副本
error-plan-unreadable-bad_doc = 无法读取文件：Word .doc 文件已损坏（{ $reason }）
error-plan-unreadable-bad_ofd = 无法读取文件：OFD 文件无法解析（{ $reason }）
error-plan-unreadable-ofd_no_text = 无法读取文件：该 OFD 的文字仅以字形保存、不含字符，无法识别，请索取 .docx 原件
error-plan-unreadable-not_docx = 无法读取文件：这是压缩包，但不是 Word .docx 文档（{ $reason }）
error-plan-unreadable-bad_docx = 无法读取文件：.docx 文件已损坏（{ $reason }）
error-plan-unreadable-binary = 无法读取文件：这是二进制文件，不是文字（{ $reason }）
error-plan-unreadable-encoding = 无法读取文件：文字编码既不是 UTF-8，也不是 GB18030/GBK
error-plan-unreadable-no_text = 无法读取文件：文档中没有文字
error-database-url = 数据库地址无效：{ $e }
error-report-too_long = “{ $field }”不超过{ $max_text }字
error-share-sum = 分解合计{ $sum }与指标目标{ $target }不一致
error-unit-exists = 名称“{ $name }”已属于其他单位
error-unit-exists-named = 单位“{ $name }”已存在（或已作为别名）
error-unit-alias_taken = 名称“{ $alias }”已属于其他单位
error-user-exists = 用户名“{ $username }”已存在
error-evidence-mismatch = 文件内容与扩展名 .{ $ext } 不符
error-evidence-quota = 本单位的佐证材料已达 { $mb } MB 上限，无法再上传；请联系办公室
error-period-year = 年份{ $year }无效
error-date = 日期“{ $s }”格式应为YYYY-MM-DD
error-login-too_many = 登录失败次数过多，请{ $wait }秒后再试
error-bad_json = 请求内容不是有效的JSON：{ $e }
error-form-invalid = 表单内容有误：{ $e }
error-item-units = 单位名录中没有：{ $list }（请先在系统管理中添加单位或别名）
error-plan-unresolved_units = 还有{ $count }个单位名称未对应到单位：{ $names }
error-period-not_started = 期次“{ $period }”尚未开始
error-period-locked = 期次“{ $period }”已于{ $closed }截止并锁定，请联系牵头处室开通补报
error-report-indicator = 指标{ $id }不属于该任务
error-share-not_assigned = 单位{ $unit }不承担该任务，不能分解指标
error-evidence-too_large = 文件超过{ $limit_mb }MB上限
error-login-too_long = 用户名最多 { $chars } 个字符，密码最多 { $bytes } 字节
error-form-field = 表单字段“{ $field }”无效
error-form-multipart = 表单上传内容无法读取，请重试
error-method_not_allowed = 不支持该请求方法
error-too_large = 上传内容过大
error-bad_request = 请求无效：缺少参数或参数格式不对，请返回上一页重试
error-extension-state = 延期申请状态应为 pending、approved 或 refused

# duban-app/src/directory.rs
error-unit-generic = “{ $name }”指代多个单位，请对应为一组单位，而不是新建为一个单位
error-unit-not_unmapped = “{ $name }”不是本计划中尚未对应的单位名称
error-unit-group = 请至少选择一个单位

# duban-core/src/password.rs, duban-store/src/users.rs (口令规则)
error-password-length = 口令至少 { $min } 个字符
error-password-classes = 口令须包含小写字母、大写字母、数字、其他字符中的至少三类
error-password-username = 口令不能包含账号名
error-password-common = 这是常见口令，请换一个不易猜到的
error-password-reused = 新口令不能与最近三次使用过的口令相同
error-password-must_change = 首次登录或口令被重置后，须先修改口令
error-password-wrong = 当前口令不正确
error-user-disable_self = 不能停用自己正在使用的账号
error-password-mismatch = 两次输入的新口令不一致
error-user-batch = 一次处理的账号须在 1 至 2000 个之间
sheet_problem-name_required = 名称不能为空，且不超过100字
sheet_problem-duplicate = “{ $value }”在表中出现了不止一次
sheet_problem-unit_kind = “{ $value }”应为部门、政府、园区、企业或其他
sheet_problem-whole_number = “{ $value }”应为0至999999之间的整数
sheet_problem-phone = “{ $value }”不像电话号码（只能有数字、空格、-、+、括号）
sheet_problem-email = “{ $value }”不像邮箱地址
sheet_problem-username = “{ $value }”不能作账号（1至64个字母、数字或 . _ - @）
sheet_problem-role = “{ $value }”应为管理员、单位领导、联络员或查看
sheet_problem-unit_required = 单位领导和联络员须填写所属单位
sheet_problem-account_state = “{ $value }”应为“正常”或“停用”
sheet_problem-unknown_unit = 名录中没有单位“{ $value }”（可先上传单位名录）
sheet_problem-unknown_parent = 上级单位“{ $value }”既不在表中也不在名录中
error-sheet-header = 表中找不到表头（应包含：{ $columns }），请用下载的表格填写
error-unit-parent_unknown = 上级单位“{ $name }”不存在
error-separation-needs_roles = 三员分立前须先有启用的系统管理员和安全审计员账号各至少一个

error-supervision-none = 请至少选择一项任务
error-supervision-too_many = 一次最多督办 { $max } 项任务
error-supervision-too_long = “{ $field }”过长（最多 { $max_text } 字）
error-supervision-demand_empty = 请填写督办要求
error-supervision-reply_by_past = 回复时限 { $date } 已过，请选择今天或以后的日期
error-supervision-measures_empty = 请填写整改措施
error-supervision-deadline_past = 新的完成时限 { $date } 已过，请选择今天或以后的日期
error-supervision-closed = { $number } 已办结或已升级，不能再修改
error-supervision-not_addressed = 该督办未发给此单位
error-supervision-top_level = { $number } 已是最高督办等级（红色），不能再升级
error-supervision-item = 编号 { $id } 不是本计划的任务，不能督办
error-supervision-period = 所选调度期不属于本计划
error-supervision-open_exists = 任务 { $task } 已有未办结的督办，请在原督办上升级或办结
error-supervision-not_assigned = 单位 { $unit } 不是该任务的责任单位
error-supervision-no_units = 任务 { $task } 没有责任单位，不能督办
error-supervision-level = 督办等级应为 blue、yellow 或 red
error-supervision-state = 督办状态应为 open、accepted 或 escalated

error-assessment-base = 基础分应为有限数值，绝对值不超过 { $max }
error-assessment-points = 事项“{ $event }”的分值应为有限数值，绝对值不超过 { $max }
error-assessment-reason = 请说明修改计分规则的理由
error-assessment-reason_long = 修改理由过长（最多 { $max } 字）

error-reporting-reason = 请说明调整报送方式的理由
error-reporting-reason_long = 理由过长（最多 { $max } 字）
error-reporting-lead_days = 配合单位提前天数应在 0 到 { $max } 之间
error-report-contribution = 该报告是配合单位报送牵头单位的材料，由牵头单位汇总后报送办公室，办公室审核牵头单位的报告
error-report-not_contribution = 该报告不是报送牵头单位的配合材料
