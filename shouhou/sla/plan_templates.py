"""The seed's service plans as data: templates P5, P8, P13 and P14 (issue 3).

Wording follows /work/shared/seed/after-sales-service-plans.zh.txt; each target cites the
commitment it comes from (requirements.md).  Loaded by `seed_sla` (run after migrate) into
ServicePlan rows with is_template=True; contracts copy them with create_plan_from_template.
Units: "hours"/"minutes" are wall-clock (these plans promise 7×24 / 365×24 service, P5.3, P8.6);
"working_days" use the plan's calendar (mainland China 5×8 with statutory holidays, P5.6).

Every template names its clauses (models_clauses.py) explicitly.  `accept_is_contact` (does the
desk's Accept count as contacting the customer?) is off where the plan promises a call back by
the engineer (P5.2 "回复", P14.8 "立即电话了解故障"): only the recorded "contacted" milestone stops
those clocks; on for P13.2, whose "半小时之内给以响应" is the response to the service request itself.
"""

PENDING_CUSTOMER = ["pending_customer"]

_WARN = {"name": "75% 用时预警：通知负责工程师与调度", "level": 1, "trigger": "share", "share": "0.75",
         "action": "notify_assignee"}
_DISPATCH = {"name": "75% 用时预警：通知调度", "level": 1, "trigger": "share", "share": "0.75",
             "action": "notify_dispatcher"}
_BREACH = {"name": "超时：通知售后经理", "level": 2, "trigger": "offset", "offset_minutes": 0,
           "action": "notify_manager"}
_LEADERSHIP = {"name": "超时 4 小时：上报公司领导", "level": 3, "trigger": "offset", "offset_minutes": 240,
               "action": "notify_leadership", "commitment": "P6.3"}

TEMPLATES = [
    {
        "source": "P5",
        "clauses": {"accept_is_contact": False},
        "name": "IT 设备供应商：故障分级与 A/B/C 服务等级",
        "description": "7×24 值班响应电话；A、B 服务等级 10 分钟内回复，C 服务等级半小时内回复；"
                       "设备短时间内无法修复时 4 小时内将备件或备机运抵故障现场；"
                       "巡检完成后三个工作日内提交巡检报告。",
        "targets": [
            {"key": "callback_ab", "kind": "callback", "name": "A/B 级 10 分钟内回复", "commitment": "P5.2",
             "amount": "10", "unit": "minutes", "start_event": "received", "stop_event": "contacted",
             "service_levels": ["A", "B"]},
            {"key": "callback_c", "kind": "callback", "name": "C 级半小时内回复", "commitment": "P5.2",
             "amount": "30", "unit": "minutes", "start_event": "received", "stop_event": "contacted",
             "service_levels": ["C"]},
            {"key": "spare", "kind": "loaner", "name": "4 小时内备件/备机运抵现场", "commitment": "P5.5",
             "amount": "4", "unit": "hours", "start_event": "received", "stop_event": "loaner_provided",
             "severities": [1, 2]},
            {"key": "inspection_report", "kind": "report", "name": "巡检完成后三个工作日内提交巡检报告",
             "commitment": "P5.6", "amount": "3", "unit": "working_days", "start_event": "inspection_done",
             "stop_event": "report_submitted"},
        ],
        "escalations": [
            dict(_WARN),
            dict(_BREACH),
            {"name": "2 小时仍未修复：开备机任务", "level": 2, "trigger": "share", "share": "0.5",
             "action": "open_loaner", "commitment": "P5.5", "target": "spare"},
        ],
    },
    {
        "source": "P8",
        "clauses": {"accept_is_contact": False},
        "name": "设备与系统供应商：质保期内 1 小时到场、12 小时解决",
        "description": "365 天 24 小时服务热线。质保期内：接到报修电话后 1 小时内到达现场，12 小时解决问题，"
                       "如不能及时解决提供备机直到原设备修复；其他情况：4 小时内到达现场，24 小时解决问题。",
        "targets": [
            {"key": "arrive_in", "kind": "arrival", "name": "质保期内 1 小时内到达现场", "commitment": "P8.4",
             "amount": "1", "unit": "hours", "start_event": "received", "stop_event": "arrived", "warranty": "in"},
            {"key": "fix_in", "kind": "resolution", "name": "质保期内 12 小时解决问题", "commitment": "P8.4",
             "amount": "12", "unit": "hours", "start_event": "received", "stop_event": "resolved", "warranty": "in"},
            {"key": "arrive_out", "kind": "arrival", "name": "4 小时内到达现场", "commitment": "P8.5",
             "amount": "4", "unit": "hours", "start_event": "received", "stop_event": "arrived", "warranty": "out"},
            {"key": "fix_out", "kind": "resolution", "name": "24 小时解决问题", "commitment": "P8.5",
             "amount": "24", "unit": "hours", "start_event": "received", "stop_event": "resolved", "warranty": "out"},
        ],
        "escalations": [
            dict(_WARN),
            dict(_BREACH),
            dict(_LEADERSHIP),
            {"name": "12 小时未解决：提供备机直到原设备修复", "level": 2, "trigger": "offset", "offset_minutes": 0,
             "action": "open_loaner", "commitment": "P8.4", "target": "fix_in"},
        ],
    },
    {
        "source": "P13",
        "clauses": {"accept_is_contact": True},
        "name": "系统集成商：半小时响应、2 小时到场、4 小时处理完毕",
        "description": "对买方的服务申请应在半小时之内给以响应，并于 2 小时内派工程师到现场进行维修，4 小时内处理完毕。"
                       "若在 4 小时内仍未能有效解决，乙方须免费提供同档次的设备予甲方临时使用。",
        "targets": [
            {"key": "respond", "kind": "response", "name": "半小时之内给以响应", "commitment": "P13.2",
             "amount": "30", "unit": "minutes", "start_event": "received", "stop_event": "contacted"},
            {"key": "arrive", "kind": "arrival", "name": "2 小时内派工程师到现场", "commitment": "P13.2",
             "amount": "2", "unit": "hours", "start_event": "received", "stop_event": "arrived"},
            {"key": "fix", "kind": "resolution", "name": "4 小时内处理完毕", "commitment": "P13.2",
             "amount": "4", "unit": "hours", "start_event": "received", "stop_event": "resolved"},
        ],
        "escalations": [
            dict(_WARN),
            dict(_BREACH),
            dict(_LEADERSHIP),
            {"name": "4 小时内仍未能有效解决：免费提供同档次设备临时使用", "level": 2, "trigger": "offset",
             "offset_minutes": 0, "action": "open_loaner", "commitment": "P13.2", "target": "fix"},
        ],
    },
    {
        "source": "P14",
        "clauses": {"accept_is_contact": False},
        "name": "照明工程承包商：24 小时到场、48 小时方案、72 小时更换；紧急 8 小时到场",
        "description": "接到通知后 24 小时内派专业维修人员到达现场，48 小时内提出解决方案，72 小时内完成更换。"
                       "紧急通知：立即电话了解故障并给予维修措施建议（方案未给时限，模板取 30 分钟，可按合同修改）；"
                       "八小时内到达现场，并在二小时内排除故障。",
        "targets": [
            {"key": "arrive", "kind": "arrival", "name": "24 小时内到达现场", "commitment": "P14.6",
             "amount": "24", "unit": "hours", "start_event": "received", "stop_event": "arrived", "severities": [2, 3]},
            {"key": "solution", "kind": "solution", "name": "48 小时内提出解决方案", "commitment": "P14.6",
             "amount": "48", "unit": "hours", "start_event": "received", "stop_event": "solution_proposed",
             "severities": [2, 3]},
            {"key": "replace", "kind": "resolution", "name": "72 小时内完成更换", "commitment": "P14.6",
             "amount": "72", "unit": "hours", "start_event": "received", "stop_event": "resolved",
             "severities": [2, 3]},
            {"key": "phone", "kind": "callback", "name": "紧急：立即电话指导", "commitment": "P14.8",
             "amount": "30", "unit": "minutes", "start_event": "received", "stop_event": "contacted",
             "severities": [1]},
            {"key": "emergency_arrive", "kind": "arrival", "name": "紧急：八小时内到达现场", "commitment": "P14.8",
             "amount": "8", "unit": "hours", "start_event": "received", "stop_event": "arrived", "severities": [1]},
            {"key": "emergency_fix", "kind": "resolution", "name": "紧急：到场后二小时内排除故障",
             "commitment": "P14.8", "amount": "2", "unit": "hours", "start_event": "arrived",
             "stop_event": "resolved", "severities": [1]},
        ],
        "escalations": [dict(_WARN), dict(_BREACH), dict(_LEADERSHIP)],
    },
]
