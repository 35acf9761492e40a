# duban error messages (English). Format: key = text; { $name } is a placeholder.
# Keys are error- and the error code (dots as dashes), with a suffix where one code has several wordings. thing- names what an error is about.
thing-plan = plan
thing-plan_version = plan version { $version }
thing-item = item
thing-task = task
thing-parent_item = parent item
thing-indicator = indicator
thing-report = report
thing-extension = extension request
thing-notice = notice
thing-supervision = supervision notice
thing-evidence = evidence file
thing-unit = unit
thing-user = user
thing-session = session
thing-period = period
thing-period_key = period '{ $key }'
error-not_found = { $what } not found
error-stale_version = The { $what } was changed by someone else; reload and try again
error-forbidden = You are not allowed to do this
error-internal = Internal error; try again later, and tell the administrator if it persists

# duban-app/src/offline.rs
error-sheet-other_plan = This sheet belongs to another plan; upload it under that plan
error-sheet-other_unit = This sheet belongs to another unit; only that unit's people can upload it

# duban-core/src/evidence.rs
error-evidence-empty = The file is empty
error-evidence-name = A file name is 1 to 200 characters
error-evidence-type = Only PDF, PNG, JPEG, .docx, .xlsx, .pptx and text files are accepted

# duban-core/src/periods.rs
error-period-dates = Period dates must satisfy start ≤ end ≤ due
error-period-due_day = The due day must be between 1 and 28
error-period-grace = Grace is at most 60 days
error-period-key = A period key is 1 to 40 characters

# duban-office/src/ledger_import.rs
error-ledger-no_year = The plan year could not be found: put it in the title above the header (2022年) or in the deadlines

# duban-office/src/report_sheet.rs
error-sheet-columns_changed = The sheet's columns were changed (row 3 differs from the download); fill in the sheet as downloaded
error-sheet-not_ours = This is not a report sheet downloaded from duban; download this period's sheet and fill that in
error-sheet-not_ours-damaged = The sheet's marker is damaged; download it again

# duban-office/src/workbook.rs
error-file-empty = The file is empty
error-file-encrypted = The workbook is password-protected; remove the password in Excel and upload it again
error-file-legacy_xls = This is a legacy Excel .xls file; save it as .xlsx and upload that
error-file-no_sheet = The workbook has no sheets

# duban-store/src/db.rs
error-database-schema = Bad schema name
error-duplicate = The record already exists
error-idempotency-key_reused = This Idempotency-Key was used for a different request
error-reference = A referenced record does not exist or is in use
error-store-unavailable = The database cannot save just now; nothing was saved, try again shortly

# duban-store/src/plans.rs
error-assignment-role = A role is lead, co or responsible
error-indicator-has_values = Reports give values for this indicator; it cannot be removed
error-indicator-milestone = A milestone value must be finite
error-indicator-op = op is >=, >, <=, <, = or range
error-indicator-op-finite = op is >=, >, <=, <, = or range; value finite
error-indicator-value-finite = Values must be finite numbers
error-item-has_reports = The task has reports and cannot be removed
error-item-parent = The parent is not in this plan
error-item-parent_has_reports = The task has reports; it cannot get sub-tasks
error-item-title = A title is 1 to 500 characters
error-plan-empty = No numbered tasks were found in the document
error-plan-not_draft = The plan is published and cannot be edited in place
error-plan-revision_reason = Changing a published plan needs a reason (up to 500 characters); it becomes a new version
error-plan-year = The plan year could not be read from the document

# duban-store/src/reports.rs
error-extension-decided = The request was already decided
error-extension-reason = Give a reason for the extension
error-plan-not_published = The plan is not published yet
error-report-item = The task is not part of this period's plan
error-report-milestone = A milestone has a name (up to 200 characters) and a state: not_started, in_progress or done
error-report-milestones = At most 200 milestones
error-report-not_assigned = The unit does not hold this task
error-report-percent = percent is between 0 and 100
error-report-progress_empty = Write the progress before submitting
error-report-reason_long = A reason is at most 2000 characters
error-report-reason_required = A return needs a reason
error-report-state = state is draft, submitted, returned or approved
error-report-value = An indicator value must be a finite number
error-report-value_twice = Each indicator takes one value

# duban-store/src/shares.rs
error-share-value = Each share is a non-negative number, one per unit

# duban-store/src/synthetic.rs
error-synthetic-not_empty = The database already holds plans
error-synthetic-spec = units_per_task ≤ units_per_plan and filled ≤ periods ≤ 12

# duban-store/src/units.rs
error-unit-kind = A unit kind is department, government, zone, enterprise or other
error-unit-name = A unit name is 1 to 100 characters
error-unit-parent = A unit cannot be its own parent
error-unit-batch = Create between 1 and 2000 units at a time

# duban-store/src/users.rs
error-user-unit = Leaders and reporters belong to one unit; admins and viewers to none
error-user-username = A username is 1 to 64 letters, digits or . _ - @

# duban-web/src/api/mod.rs
error-idempotency-key = An Idempotency-Key is 1 to 200 characters

# duban-web/src/api/periods.rs
error-period-kind = kind is monthly, quarterly or custom

# duban-web/src/api/reports.rs
error-todo-unit = Name the unit (unit=)

# duban-web/src/auth.rs
error-csrf = Missing or wrong CSRF token; reload the page and try again
error-login-failed = Wrong username or password
error-unauthenticated = Sign in first

# duban-web/src/gate.rs
error-busy = busy
error-login-busy = Too many sign-ins at once; try again shortly
error-upload-busy = The server is busy reading other uploads; try again shortly

# duban-web/src/lib.rs
error-route-not_found = No such address

# duban-web/src/pages/mod.rs
error-csrf-form = The form has expired or did not come from this site (CSRF token mismatch); reload and try again
error-csrf-login = The sign-in form has expired or did not come from this site; open the sign-in page again

# duban-web/src/pages/office.rs
error-report-reason = Give a reason for returning
error-review-none = Tick the reports to review first

# duban-web/src/pages/reporting.rs
error-evidence-none = Choose a file to upload
error-file-empty-sheet = Choose the filled-in sheet

# duban-web/src/pages/setup.rs
error-indicator-value = The target is a number
error-user-role = Unknown role
error-file-empty-choose = Choose a file to import
error-file-too_large = The file is too large ({ $bytes } bytes); the limit is { $limit_mb } MB
error-file-too_large-inflated = The workbook expands to more than { $limit_mb } MB; split it and upload the parts
error-file-wrong_type-pdf = This is not an Excel workbook (.xlsx) but a PDF
error-file-wrong_type-other = This is not an Excel workbook (.xlsx)
error-file-wrong_type-word = This is a Word document, not an Excel workbook
error-file-wrong_type-zip = The archive holds no Excel workbook
error-file-corrupt = The Excel file is damaged: { $reason }
error-file-no_sheet-named = The workbook has no sheet named { $sheet }
error-file-too_many_cells-beyond = Sheet { $sheet } has a value in cell { $cell }, outside the area that is read (at most { $rows } rows and { $cols } columns); delete it and upload again
error-file-too_many_cells = Sheet { $sheet } holds too much (merged areas or text too large); split it and upload the parts

# The problems of an uploaded report sheet, one per cell (duban-office report_sheet, duban-app offline).
sheet-cell = row { $line }, column { $column }: { $problem }
error-sheet-invalid = The sheet has { $count } error(s); nothing was saved:{"\u000A"}{ $problems }
sheet_problem-no_key = no key: do not add rows
sheet_problem-version_changed = the version was changed
sheet_problem-finished_not_100 = marked finished: the percentage should be 100 or empty
sheet_problem-indicator_outside_task = an indicator row outside a task
sheet_problem-task_not_owed = this task is not one the unit reports on this period
sheet_problem-indicator_not_of_task = this indicator is not the task's
sheet_problem-report_changed = the report was changed in duban after this sheet was downloaded; download it again
sheet_problem-report_missing = the sheet names a report that does not exist; download the sheet again
sheet_problem-progress_required = write the progress before submitting
sheet_problem-percent_range = '{ $value }' should be a number from 0 to 100
sheet_problem-yes_no = '{ $value }' should be 是 (yes) or 否 (no)
sheet_problem-text_too_long = at most { $max } characters ({ $count } now)
sheet_problem-not_a_number = '{ $value }' is not a number
sheet_problem-unknown_key = unknown key '{ $key }': do not change the grey cells
sheet_problem-report_closed = the report is { $state }, so it cannot change; ask the office to return it

# Report states and actions inside a sentence.
report_state-draft = draft
report_state-signing = awaiting sign-off
report_state-submitted = submitted
report_state-returned = returned
report_state-approved = approved
report_action-save = edited
report_action-submit = submitted
report_action-approve = approved
report_action-return = returned
report_action-reopen = reopened
report_action-sign = sign and send
report_action-send_back = send back
error-report-wrong_state = The report is { $state }; it cannot be { $action }
error-ledger-no_header = No header row in the first 20 rows of sheet { $sheet } (it should name 重点任务 or 具体举措, and 责任单位 …)
error-plan-empty-sheet = Sheet { $sheet } has no task rows under its header
error-plan-unreadable-empty = Cannot read the document: the file is empty
error-plan-unreadable-too_large = Cannot read the document: the file is too large ({ $size } bytes; the limit is { $limit } bytes)
error-plan-unreadable-pdf_no_text = Cannot read the document: this PDF has no text layer (it is a scan or a picture of the pages); ask for the .docx, or a PDF exported from Word or WPS
error-plan-unreadable-pdf_no_unicode = Cannot read the document: the fonts of this PDF have no Unicode map, so its text cannot be read (common in typeset official PDFs); ask for the .docx, or copy the text into a .txt file
error-plan-unreadable-bad_pdf = Cannot read the document: the PDF file cannot be read ({ $reason })
error-plan-unreadable-pdf_inflated = Cannot read the document: the PDF's compressed contents expand to more than { $limit_mb } MB, which no plan needs (a damaged or crafted file)
error-plan-unreadable-legacy_doc = Cannot read the document: this is an Office 97–2003 file that is not a Word document (an Excel or PowerPoint file?)
error-plan-unreadable-wps_native = Cannot read the document: this .wps file is in WPS Office's own format, not Word's; open it in WPS and save it as .docx
error-plan-unreadable-encrypted = Cannot read the document: the Word document is password-protected; save a copy without the password
error-plan-unreadable-bad_doc = Cannot read the document: the Word .doc file is damaged ({ $reason })
error-plan-unreadable-bad_ofd = Cannot read the document: the OFD file cannot be read ({ $reason })
error-plan-unreadable-ofd_no_text = Cannot read the document: this OFD sets its text as glyphs only, without the characters; ask for the .docx
error-plan-unreadable-not_docx = Cannot read the document: this is a ZIP archive but not a Word .docx document ({ $reason })
error-plan-unreadable-bad_docx = Cannot read the document: the .docx file is damaged: { $reason }
error-plan-unreadable-binary = Cannot read the document: this is a binary file, not text ({ $reason })
error-plan-unreadable-encoding = Cannot read the document: the text is neither UTF-8 nor GB18030/GBK
error-plan-unreadable-no_text = Cannot read the document: the document contains no text
error-database-url = Bad database URL: { $e }
error-report-too_long = '{ $field }' is at most { $max_text } characters
error-share-sum = The shares add up to { $sum }, not the target { $target }
error-unit-exists = The name '{ $name }' already belongs to another unit
error-unit-exists-named = A unit named '{ $name }' (or with that alias) already exists
error-unit-alias_taken = The name '{ $alias }' already belongs to another unit
error-user-exists = The username '{ $username }' is taken
error-evidence-mismatch = The file's content does not match its .{ $ext } extension
error-evidence-quota = Your unit's evidence files have reached the { $mb } MB limit; ask the office
error-period-year = Year { $year } is not valid
error-date = Date '{ $s }' must be YYYY-MM-DD
error-login-too_many = Too many failed sign-ins; try again in { $wait } seconds
error-bad_json = The request body is not valid JSON: { $e }
error-form-invalid = The form is not valid: { $e }
error-item-units = Not in the units directory: { $list } (add the unit or an alias under Administration first)
error-plan-unresolved_units = { $count } unit names are not mapped yet: { $names }
error-period-not_started = The period { $period } has not started
error-period-locked = The period { $period } closed on { $closed }; ask the office for an exception
error-report-indicator = Indicator { $id } is not one of this task's
error-share-not_assigned = Unit { $unit } does not hold this task
error-evidence-too_large = The file exceeds the { $limit_mb } MB limit
error-login-too_long = A user name has at most { $chars } characters and a password at most { $bytes } bytes
error-form-field = The form field '{ $field }' is not valid
error-form-multipart = The uploaded form could not be read; try again
error-method_not_allowed = Method not allowed
error-too_large = The request body is too large
error-bad_request = Bad request: a parameter is missing or malformed; go back and try again
error-extension-state = An extension state is pending, approved or refused

# duban-app/src/directory.rs
error-unit-generic = “{ $name }” stands for several units: map it to a group of units rather than create it as one
error-unit-not_unmapped = “{ $name }” is not one of this plan's unmapped names
error-unit-group = Choose at least one unit

# duban-core/src/password.rs, duban-store/src/users.rs (password rules)
error-password-length = A password has at least { $min } characters
error-password-classes = A password has three of: lower case, upper case, digits, other characters
error-password-username = A password may not contain the account name
error-password-common = That is a common password; choose one that is hard to guess
error-password-reused = The new password may not be one of the last three
error-password-must_change = Change your password first (first sign-in or after a reset)
error-password-wrong = The current password is wrong
error-user-disable_self = You cannot disable the account you are signed in with
error-password-mismatch = The two new passwords differ
error-user-batch = Between 1 and 2000 accounts at a time
sheet_problem-name_required = a name is needed, at most 100 characters
sheet_problem-duplicate = “{ $value }” appears more than once in the sheet
sheet_problem-unit_kind = “{ $value }” should be 部门, 政府, 园区, 企业 or 其他
sheet_problem-whole_number = “{ $value }” should be a whole number from 0 to 999999
sheet_problem-phone = “{ $value }” does not look like a telephone number (digits, spaces, -, +, brackets)
sheet_problem-email = “{ $value }” does not look like an e-mail address
sheet_problem-username = “{ $value }” cannot be an account name (1 to 64 letters, digits or . _ - @)
sheet_problem-role = “{ $value }” should be 管理员, 单位领导, 联络员 or 查看
sheet_problem-unit_required = a unit leader or liaison needs a unit
sheet_problem-account_state = “{ $value }” should be 正常 or 停用
sheet_problem-unknown_unit = the directory has no unit “{ $value }” (upload the units sheet first)
sheet_problem-unknown_parent = the parent unit “{ $value }” is neither in the sheet nor in the directory
error-sheet-header = The sheet has no header row naming { $columns }: fill in the sheet as downloaded
error-unit-parent_unknown = There is no parent unit “{ $name }”
error-separation-needs_roles = Before the duties are separated there must be an enabled system administrator and an enabled security auditor

error-supervision-none = Choose at least one task
error-supervision-too_many = At most { $max } tasks can be supervised at once
error-supervision-too_long = "{ $field }" is too long (at most { $max_text } characters)
error-supervision-demand_empty = Say what the units are asked to do
error-supervision-reply_by_past = The reply date { $date } has passed; choose today or a later day
error-supervision-measures_empty = Say what your unit will do
error-supervision-deadline_past = The new deadline { $date } has passed; choose today or a later day
error-supervision-closed = { $number } is closed or escalated and can no longer change
error-supervision-not_addressed = This supervision notice was not sent to that unit
error-supervision-top_level = { $number } is at the highest level (red) and cannot be escalated
error-supervision-item = Item { $id } is not a task of this plan and cannot be supervised
error-supervision-period = The period is not one of this plan's
error-supervision-open_exists = Task { $task } already has an open supervision notice: escalate or close it
error-supervision-not_assigned = Unit { $unit } is not responsible for that task
error-supervision-no_units = Task { $task } has no responsible unit to supervise
error-supervision-level = A supervision level is blue, yellow or red
error-supervision-state = A supervision state is open, accepted or escalated

error-assessment-base = The base score must be a finite number of at most { $max }
error-assessment-points = The points of "{ $event }" must be a finite number of at most { $max }
error-assessment-reason = Say why the scoring rules change
error-assessment-reason_long = The reason is too long (at most { $max } characters)

error-reporting-reason = Say why the reporting mode changes
error-reporting-reason_long = The reason is too long (at most { $max } characters)
error-reporting-lead_days = The co-units' lead time must be 0 to { $max } days
error-report-contribution = This is a co-unit's contribution to the lead; the office reviews the lead's consolidated report
error-report-not_contribution = This report is not a contribution to the lead
