"""The default notification policy (issue 7): event kinds, rules and their wording in Chinese and English.

Written by migration notify.0005 and again by a post_migrate handler when the kinds table is empty
(a test database flushed between transactional tests).  Administrators change all of it in the
admin or the API; SMS template codes are placeholders for the codes the provider approved.
"""

CUSTOMER = ["customer_users", "reporter"]
ON_IT = ["assignee", "dealer_staff"]

# code, name, description, [rules]; a rule: name, roles, relations, channels, skip_actor, sms (code, params),
# {language: (subject, body)}
POLICY = [
    ("ticket.reported", "报修已登记", "A service request was registered (any channel).", [
        ("调度：新报修", ["dispatcher"], [], [], True, ("", []), {
            "zh-hans": ("新报修 {{ number }}：{{ title }}",
                        "{{ customer }}报修：{{ title }}（{{ severity }}）。登记人：{{ actor }}。查看：{{ link }}"),
            "en": ("New report {{ number }}: {{ title }}",
                   "{{ customer }} reported: {{ title }} ({{ severity }}). Registered by {{ actor }}. See {{ link }}"),
        }),
        ("客户：报修已登记", [], CUSTOMER, ["email", "sms"], False, ("SMS_TICKET_REPORTED", ["number"]), {
            "zh-hans": ("您的报修已登记：{{ number }}",
                        "您好，您报修的“{{ title }}”已登记，单号{{ number }}。我们会尽快安排处理。"),
            "en": ("Your report is registered: {{ number }}",
                   "Your report “{{ title }}” is registered as {{ number }}. We will arrange the service shortly."),
        }),
    ]),
    ("ticket.assign", "派工：指派给您或您的经销商", "A request was assigned to an engineer and/or a dealer.", [
        ("工程师与经销商：新派工", [], ON_IT, ["email", "chat"], True, ("", []), {
            "zh-hans": ("派工 {{ number }}：{{ title }}",
                        "服务请求{{ number }}“{{ title }}”已指派给{{ engineer }}{% if engineer and dealer %}、{% endif %}"
                        "{{ dealer }}。客户：{{ customer }}；地点：{{ site }}。请尽快与客户预约。查看：{{ link }}"),
            "en": ("Assigned {{ number }}: {{ title }}",
                   "Service request {{ number }} “{{ title }}” is assigned to {{ engineer }}{% if engineer and dealer %}, "
                   "{% endif %}{{ dealer }}. Customer: {{ customer }}; site: {{ site }}. Please book a visit. {{ link }}"),
        }),
    ]),
    ("ticket.book_appointment", "已预约上门", "The engineer booked a visit time with the customer.", [
        ("客户：预约时间", [], CUSTOMER, ["email", "sms"], True, ("SMS_APPOINTMENT", ["number", "appointment"]), {
            "zh-hans": ("已预约上门：{{ number }}",
                        "您好，工程师{{ engineer }}将于{{ appointment }}上门处理“{{ title }}”（单号{{ number }}）。"
                        "{% if note %}备注：{{ note }}{% endif %}"),
            "en": ("Visit booked: {{ number }}",
                   "Engineer {{ engineer }} will visit at {{ appointment }} for “{{ title }}” ({{ number }}). {{ note }}"),
        }),
    ]),
    ("ticket.start_travel", "工程师已出发", "The engineer is on the way to the site.", [
        ("客户：工程师已出发", [], CUSTOMER, ["email", "sms"], True, ("SMS_ON_THE_WAY", ["number", "engineer"]), {
            "zh-hans": ("工程师已出发：{{ number }}",
                        "您好，工程师{{ engineer }}已出发前往处理“{{ title }}”（单号{{ number }}），请保持电话畅通。"),
            "en": ("Engineer on the way: {{ number }}",
                   "Engineer {{ engineer }} is on the way for “{{ title }}” ({{ number }}). Please keep your phone at hand."),
        }),
    ]),
    ("visit.awaiting_signature", "服务记录待客户签字确认", "The engineer finished a visit; its record awaits the customer.", [
        ("客户：请确认服务记录", [], ["customer_users"], ["email", "sms"], True, ("SMS_CONFIRM_VISIT", ["number"]), {
            "zh-hans": ("请确认服务记录：{{ number }}",
                        "您好，工程师{{ actor }}已完成本次上门服务（{{ left_at }}）。工作内容：{{ work_done }}。"
                        "请登录系统签字确认：{{ link }}"),
            "en": ("Please confirm the service record: {{ number }}",
                   "Engineer {{ actor }} finished the visit ({{ left_at }}). Work done: {{ work_done }}. "
                   "Please sign the record: {{ link }}"),
        }),
    ]),
    ("ticket.resolve", "已解决", "The request was resolved; the customer is asked to confirm.", [
        ("客户：已解决，请确认", [], CUSTOMER, ["email", "sms"], True, ("SMS_RESOLVED", ["number"]), {
            "zh-hans": ("您的报修已处理完毕：{{ number }}",
                        "您好，“{{ title }}”（单号{{ number }}）已处理完毕，请确认。如问题仍在，请在系统中重新打开或致电我们。"
                        "查看：{{ link }}"),
            "en": ("Your request is resolved: {{ number }}",
                   "“{{ title }}” ({{ number }}) is resolved; please confirm. If the problem persists, reopen it or call us. "
                   "{{ link }}"),
        }),
    ]),
    ("ticket.reopen", "重新打开", "A resolved request was reopened.", [
        ("工程师与调度：重新打开", ["dispatcher"], ON_IT, ["email"], True, ("", []), {
            "zh-hans": ("服务请求重新打开：{{ number }}",
                        "“{{ title }}”（单号{{ number }}）已由{{ actor }}重新打开。原因：{{ reason }}。查看：{{ link }}"),
            "en": ("Request reopened: {{ number }}",
                   "“{{ title }}” ({{ number }}) was reopened by {{ actor }}. Reason: {{ reason }}. {{ link }}"),
        }),
    ]),
    ("sla.warning", "服务时限预警", "An escalation rule fired before a clock's due time.", [
        ("负责人：时限预警", [], ON_IT, [], True, ("", []), {
            "zh-hans": ("时限预警：{{ number }} {{ clock }}",
                        "服务请求{{ number }}“{{ title }}”的{{ clock }}将于{{ due }}到期，请尽快处理。"),
            "en": ("Due soon: {{ number }} {{ clock }}",
                   "{{ clock }} of service request {{ number }} “{{ title }}” is due at {{ due }}."),
        }),
    ]),
    ("sla.breach", "服务时限超时", "A clock passed its due time.", [
        ("负责人与调度：已超时", ["dispatcher"], ON_IT, [], True, ("", []), {
            "zh-hans": ("已超时：{{ number }} {{ clock }}",
                        "服务请求{{ number }}“{{ title }}”的{{ clock }}已于{{ due }}超时。"),
            "en": ("Breached: {{ number }} {{ clock }}",
                   "{{ clock }} of service request {{ number }} “{{ title }}” was due at {{ due }}."),
        }),
    ]),
    ("calendar.running_out", "工作日历数据即将用完", "A working calendar's official holidays run out, or a provisional year is in use.", [
        ("管理员：工作日历", ["admin"], [], ["email"], True, ("", []), {
            "zh-hans": ("{% if year %}工作日历{{ calendar }}使用{{ year }}年暂定节假日"
                        "{% else %}工作日历{{ calendar }}：法定节假日数据截至{{ until }}{% endif %}",
                        "{% if year %}工作日历{{ calendar }}的到期时间现按{{ year }}年暂定节假日计算（按法定节日推算，"
                        "无调休上班日）。官方通知发布后请在日历页面录入：{{ link }}"
                        "{% else %}工作日历{{ calendar }}的法定节假日只知道到{{ until }}（还剩{{ left }}天）。"
                        "请在日历页面录入国务院办公厅下一年的放假通知：{{ link }}{% endif %}"),
            "en": ("{% if year %}Working calendar {{ calendar }} uses provisional holidays for {{ year }}"
                   "{% else %}Working calendar {{ calendar }}: official holidays end on {{ until }}{% endif %}",
                   "{% if year %}Due times on calendar {{ calendar }} now count {{ year }} with provisional holidays. "
                   "Enter the official notice when it is published: {{ link }}{% else %}The official holidays of "
                   "calendar {{ calendar }} are known only until {{ until }} ({{ left }} days left). Enter the State "
                   "Council's notice for the next year: {{ link }}{% endif %}"),
        }),
    ]),
    ("roster.gap", "值班空档", "Nobody is on duty for a round-the-clock promise in the next days (duty roster).", [
        ("调度：值班空档", ["dispatcher"], [], ["email"], True, ("", []), {
            "zh-hans": ("值班空档：{{ when }}（{{ where }}）",
                        "{{ when }}（{{ where }}）无人值班，而服务方案承诺 7×24 小时响应。请在值班表中安排人员：{{ link }}"),
            "en": ("Coverage gap: {{ when }} in {{ where }}",
                   "Nobody is on duty {{ when }} in {{ where }}, but a service plan promises round-the-clock "
                   "service. Please fill the duty roster: {{ link }}"),
        }),
    ]),
]


def seed(EventKind, NotificationRule, RuleTemplate) -> None:  # model classes, historical or real
    """Create the seeded kinds that do not exist yet, each with its rules and templates."""
    for code, name, description, rules in POLICY:
        kind, created = EventKind.objects.get_or_create(code=code, defaults={"name": name, "description": description})
        if not created:
            continue
        for rule_name, roles, relations, channels, skip_actor, (sms_code, sms_params), wording in rules:
            rule = NotificationRule.objects.create(
                kind=kind, name=rule_name, roles=roles, relations=relations, channels=channels,
                skip_actor=skip_actor, sms_template=sms_code, sms_params=sms_params)
            for language, (subject, body) in wording.items():
                RuleTemplate.objects.create(rule=rule, language=language, subject=subject, body=body)
