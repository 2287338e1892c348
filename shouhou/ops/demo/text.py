"""Deterministic generator of Chinese fault reports for the demo product lines.

Pure Python, no Django import: the service path, the bulk path and the HTTP benchmarks draw
from the same vocabulary, so a benchmark run posts the text a real desk would type.
"""

from __future__ import annotations

import random

# category -> (product word used in titles, [faults], [fixes])
FAULTS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "fire_door": (
        ["钢质防火门", "防火门", "常闭防火门", "防火门闭门器", "顺序器"],
        ["无法自动关闭", "闭门器漏油，关门过快", "门扇下垂，与门框摩擦", "顺序器失灵，双扇门关闭顺序错误",
         "合页断裂", "门锁锁舌卡死", "密封条脱落", "释放器不动作，门无法联动关闭", "门框变形，缝隙过大"],
        ["更换闭门器并调整关门速度", "调整合页并紧固螺丝", "更换顺序器", "更换门锁锁体", "重新粘贴防火密封条",
         "检修电磁释放器并联动测试"],
    ),
    "bms": (
        ["楼宇自控控制器", "DDC 控制器", "新风机组控制箱", "楼控系统网关", "温湿度传感器"],
        ["离线，上位机无数据", "通讯中断，报警频繁", "程序丢失，风机无法远程启停", "传感器读数漂移",
         "电源模块烧毁", "时间表不执行，夜间设备未停机", "与消防联动信号异常"],
        ["更换电源模块并恢复程序", "重新下载控制程序并校准时间表", "更换传感器并标定", "更换通讯模块，恢复总线通讯",
         "重新配置网关地址"],
    ),
    "lighting": (
        ["LED 投光灯", "泛光照明", "LED 洗墙灯", "景观灯带", "照明控制器"],
        ["整排不亮", "频闪", "部分灯珠损坏", "进水短路", "控制器无法定时开关", "色温不一致", "灯具支架松动"],
        ["更换驱动电源", "更换灯珠模组并做防水处理", "重新设置控制器时间表", "紧固支架并更换密封圈"],
    ),
    "it": (
        ["机架式服务器", "核心交换机", "接入交换机", "存储阵列", "防火墙", "UPS 电源"],
        ["宕机，业务系统中断", "硬盘告警，RAID 降级", "端口频繁 down/up", "风扇故障告警", "电源模块故障",
         "性能下降，响应缓慢", "配置丢失，网络不通", "温度过高自动关机"],
        ["更换故障硬盘并重建 RAID", "更换电源模块", "更换风扇模块", "恢复配置备份并加固", "升级固件，修复已知缺陷",
         "现场提供备机，故障件返修"],
    ),
    "agri": (
        ["拖拉机", "轮式拖拉机", "联合收割机", "旋耕机"],
        ["发动机无法启动", "液压提升无力", "变速箱异响", "水温过高", "漏油", "离合器打滑"],
        ["更换启动马达", "更换液压泵密封件", "调整离合器间隙", "更换水泵和节温器"],
    ),
}

PLACES = ["一层大堂", "二层走廊", "三层楼梯间", "地下车库", "消防通道", "屋顶机房", "中控室", "弱电间",
          "配电房", "数据中心 B 区", "门诊楼五层", "教学楼东侧", "车间二号线", "仓库北门", "外立面", "园区主路"]
DETAILS = [
    "已影响正常使用，请尽快安排人员上门。",
    "上周维修过一次，问题再次出现。",
    "设备应在保修期内，请核实保修记录。",
    "存在安全隐患，消防检查前必须修复。",
    "客户要求提前电话预约上门时间。",
    "现场已拍照，照片见附件。",
    "需要更换配件，请确认备件库存。",
    "客户要求出具故障分析报告。",
    "巡检时发现，非客户报修。",
    "夜间值班人员反映，白天可进场。",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
REPORTER_TITLES = ["先生", "女士", "工", "经理"]


def reporter(rnd: random.Random) -> tuple[str, str]:
    """A reporter's name and mobile number."""
    name = rnd.choice(SURNAMES) + rnd.choice(REPORTER_TITLES)
    phone = f"1{rnd.choice('3589')}{rnd.randrange(10**8, 10**9)}"
    return name, phone


def fault_text(rnd: random.Random, category: str) -> dict:
    """A title, description and fix for a fault of a product of `category`."""
    products, faults, fixes = FAULTS.get(category, FAULTS["fire_door"])
    product, fault, place = rnd.choice(products), rnd.choice(faults), rnd.choice(PLACES)
    name, phone = reporter(rnd)
    title = f"{place}{product}{fault}"[:200]
    description = f"{name}（{phone}）来电反映：{place}的{product}{fault}。{rnd.choice(DETAILS)}"
    if rnd.random() < 0.4:
        description += rnd.choice(DETAILS)
    return {"title": title, "description": description, "fix": rnd.choice(fixes),
            "reporter_name": name, "reporter_phone": phone}


def any_fault(rnd: random.Random) -> dict:
    """A fault of a random category (benchmarks that post without an asset)."""
    return fault_text(rnd, rnd.choice(list(FAULTS)))
