"""The demo's exams: a question bank of a cable-TV hotline, a 2-star blueprint, last June's comprehensive exam
with everyone's attempt, and an open service-quality quiz to try.

For each hotline:
- about 160 questions, built from the facts below (one fact gives a single
  choice, a true/false and, for short answers, a fill-in): analogue and
  digital TV, set-top boxes, broadband, billing, service norms, computer
  operation (shortcuts and typing tests) and language (spoken items), with
  short answers for the examiner; a few questions were revised after June, so
  their version 1 (frozen in the June paper) and version 2 both show;
- the blueprint 二星资格考试（标准卷）: knowledge 60% / skills 40% (X2 as the
  policy says), which the bank can fill;
- 年中综合考试 of the latest June of the title story: one shared paper of
  objective items (100 marks), every agent active that day invited, every
  attempt submitted and graded by the product's own marking rules, with
  scores ordered exactly as the story's June ranks (J1), so the ranks that
  moved titles on 1 July come out again; this builder leaves the sitting
  closed with its objective scores, and the results builder that runs after
  it releases them (X6) and ranks them (J1);
- 服务素质测验: an open sitting from the day the demo is built, for 30 days,
  everyone active invited, so an agent can take an exam at once.
Everything is saved in bulk, one query per kind of row for the whole group.
"""
import datetime
import functools
import math
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import connections
from django.utils import timezone

from stardesk.accounts.models import Role
from stardesk.exams import marking, papers
from stardesk.exams.models import (
    OPTION_LETTERS,
    Answer,
    Area,
    Attempt,
    AttemptStatus,
    Blueprint,
    BlueprintRule,
    BlueprintSection,
    EndedBy,
    FocusEvent,
    FocusKind,
    Invitation,
    InvitedHow,
    PaperItem,
    PaperMode,
    Question,
    QuestionType,
    QuestionVersion,
    ReleaseRule,
    SectionKind,
    Sitting,
    SittingKind,
    SittingStatus,
)
from stardesk.exams.question_content import build_content

D = datetime.date
A = Area
TZ = timezone.get_default_timezone()


@dataclass(frozen=True)
class Fact:
    """One thing an agent should know: asked as a single choice, stated as true or false, and as a fill-in."""

    area: str
    level: int
    difficulty: int
    question: str
    right: str
    wrong: tuple[str, str, str]
    claim: str  # the statement with {} where the answer goes
    blank: tuple[str, ...] = ()  # accepted answers when the fact also makes a fill-in


FACTS = (
    # 基础文化
    Fact(A.BASIC_CULTURE, 0, 1, "我国有线电视网络的行业主管部门是？", "国家广播电视总局", ("工业和信息化部", "国家市场监督管理总局", "国家邮政局"),
         "有线电视网络的行业主管部门是{}。"),
    Fact(A.BASIC_CULTURE, 2, 3, "经营者提供服务有欺诈行为的，《消费者权益保护法》规定增加赔偿的金额为服务费用的几倍？", "三倍", ("一倍", "两倍", "五倍"),
         "经营者提供服务有欺诈行为的，增加赔偿的金额为服务费用的{}。", ("三倍", "3倍")),
    Fact(A.BASIC_CULTURE, 0, 1, "“12315”是哪个部门的投诉举报电话？", "市场监督管理部门", ("通信管理部门", "公安机关", "广播电视部门"),
         "“12315”是{}的投诉举报电话。"),
    Fact(A.BASIC_CULTURE, 0, 1, "有线电视的英文缩写是？", "CATV", ("IPTV", "OTT", "DTMB"), "有线电视的英文缩写是{}。", ("CATV",)),
    Fact(A.BASIC_CULTURE, 0, 2, "IPTV 指的是？", "基于 IP 网络传输的电视业务", ("地面数字电视", "卫星直播电视", "模拟有线电视"), "IPTV 指的是{}。"),
    Fact(A.BASIC_CULTURE, 2, 3, "我国地面数字电视的传输标准是？", "DTMB", ("DVB-C", "ATSC", "ISDB-T"), "我国地面数字电视的传输标准是{}。", ("DTMB",)),
    Fact(A.BASIC_CULTURE, 0, 2, "《中华人民共和国个人信息保护法》自哪一年起施行？", "2021年", ("2017年", "2019年", "2023年"),
         "《中华人民共和国个人信息保护法》自{}起施行。", ("2021年", "2021")),
    Fact(A.BASIC_CULTURE, 0, 2, "高清电视（HDTV）常见的分辨率是？", "1920×1080", ("720×576", "640×480", "352×288"), "高清电视常见的分辨率是{}。"),
    Fact(A.BASIC_CULTURE, 3, 3, "4K 超高清电视的分辨率是？", "3840×2160", ("1920×1080", "2560×1440", "7680×4320"), "4K 超高清电视的分辨率是{}。"),
    Fact(A.BASIC_CULTURE, 0, 2, "有线电视费的缴费凭证应由谁出具？", "有线电视运营单位", ("客服人员个人", "小区物业", "电视机生产厂家"),
         "有线电视费的缴费凭证应由{}出具。"),
    # 模拟电视业务
    Fact(A.ANALOGUE_TV, 0, 2, "我国模拟电视采用的彩色电视制式是？", "PAL-D/K", ("NTSC-M", "SECAM-L", "PAL-B/G"),
         "我国模拟电视采用的彩色电视制式是{}。", ("PAL-D/K", "PAL D/K", "PAL-DK", "PAL")),
    Fact(A.ANALOGUE_TV, 0, 1, "模拟电视画面出现“雪花”噪点，最常见的原因是？", "信号电平过低", ("信号电平过高", "电视机音量过大", "遥控器故障"),
         "模拟电视画面出现“雪花”噪点，最常见的原因是{}。"),
    Fact(A.ANALOGUE_TV, 2, 3, "模拟电视画面出现重影，通常是由于？", "信号反射或多径干扰", ("电源电压偏高", "频道节目源故障", "电视机未接地"),
         "模拟电视画面出现重影，通常是由于{}。"),
    Fact(A.ANALOGUE_TV, 0, 2, "有线电视用户终端盒的标准阻抗是？", "75欧姆", ("50欧姆", "300欧姆", "600欧姆"), "有线电视用户终端盒的标准阻抗是{}。",
         ("75欧姆", "75Ω", "75")),
    Fact(A.ANALOGUE_TV, 3, 4, "有线电视入户线常用的同轴电缆型号是？", "SYWV-75-5", ("RVV-2×1.0", "CAT5e", "SYV-50-3"),
         "有线电视入户线常用的同轴电缆型号是{}。"),
    Fact(A.ANALOGUE_TV, 2, 3, "用户反映只有部分频道有网纹干扰，应首先询问？", "周边是否有大功率电器或无线发射设备",
         ("用户的缴费方式", "电视机的购买日期", "用户家庭人数"), "部分频道有网纹干扰时，应首先询问{}。"),
    Fact(A.ANALOGUE_TV, 3, 4, "模拟电视用户终端的信号电平一般应在什么范围？", "60～80 dBμV", ("20～40 dBμV", "90～110 dBμV", "0～20 dBμV"),
         "模拟电视用户终端的信号电平一般应在{}。"),
    Fact(A.ANALOGUE_TV, 0, 2, "模拟电视伴音正常但没有图像，可能的原因是？", "电视机视频电路或制式设置有问题", ("欠费停机", "遥控器电池没电", "宽带账号过期"),
         "伴音正常但没有图像，可能的原因是{}。"),
    # 数字电视业务（含机顶盒、缴费）
    Fact(A.DIGITAL_TV, 0, 1, "机顶盒提示“E-102 无信号”时，应首先引导用户检查？", "机顶盒射频输入线是否松动", ("遥控器电池", "电视机音量", "智能卡有效期"),
         "机顶盒提示“E-102 无信号”时，应首先引导用户检查{}。"),
    Fact(A.DIGITAL_TV, 0, 1, "机顶盒提示“E-106 智能卡未插入”时，应请用户？", "将智能卡芯片朝下插入卡槽", ("重新设置网络", "恢复出厂设置", "更换电视机"),
         "机顶盒提示“E-106 智能卡未插入”时，应请用户{}。"),
    Fact(A.DIGITAL_TV, 0, 2, "有线数字电视的条件接收系统简称？", "CA", ("EPG", "VOD", "QAM"), "有线数字电视的条件接收系统简称{}。", ("CA", "CAS")),
    Fact(A.DIGITAL_TV, 0, 1, "电子节目指南的英文缩写是？", "EPG", ("CA", "VOD", "STB"), "电子节目指南的英文缩写是{}。", ("EPG",)),
    Fact(A.DIGITAL_TV, 0, 1, "视频点播业务的英文缩写是？", "VOD", ("EPG", "PVR", "CA"), "视频点播业务的英文缩写是{}。", ("VOD",)),
    Fact(A.DIGITAL_TV, 2, 3, "有线数字电视常用的调制方式是？", "64QAM", ("QPSK", "8VSB", "COFDM"), "有线数字电视常用的调制方式是{}。", ("64QAM", "64-QAM")),
    Fact(A.DIGITAL_TV, 0, 2, "机顶盒画面出现马赛克、卡顿，多数情况是？", "信号质量差、误码率高", ("智能卡过期", "节目未授权", "遥控器失灵"),
         "机顶盒画面出现马赛克、卡顿，多数情况是{}。"),
    Fact(A.DIGITAL_TV, 0, 1, "用户看到“节目未授权”提示时，首先应查询？", "用户的缴费和套餐订购状态", ("机顶盒型号", "电视机品牌", "用户是否搬家"),
         "用户看到“节目未授权”提示时，首先应查询{}。"),
    Fact(A.DIGITAL_TV, 0, 2, "机顶盒恢复出厂设置后，需要重新进行的操作是？", "频道搜索", ("更换智能卡", "重新开户", "修改宽带密码"),
         "机顶盒恢复出厂设置后，需要重新进行{}。", ("频道搜索", "搜索频道", "搜台")),
    Fact(A.DIGITAL_TV, 2, 3, "双向机顶盒开展互动点播业务需要？", "回传通道（双向网络）", ("卫星天线", "电话线拨号", "独立电源"),
         "双向机顶盒开展互动点播业务需要{}。"),
    Fact(A.DIGITAL_TV, 0, 1, "一台机顶盒通常对应几张智能卡？", "一张", ("两张", "三张", "不需要智能卡"), "一台机顶盒通常对应{}智能卡。"),
    Fact(A.DIGITAL_TV, 3, 4, "数字电视信号质量指标 MER 的中文名称是？", "调制误差率", ("误码率", "信噪比", "载噪比"),
         "数字电视信号质量指标 MER 的中文名称是{}。", ("调制误差率", "调制误差比")),
    Fact(A.DIGITAL_TV, 0, 2, "用户办理数字电视副机（第二终端），需要增加的设备是？", "一台机顶盒和一张智能卡", ("一台光猫", "一根网线", "一个无线路由器"),
         "办理数字电视副机，需要增加{}。"),
    Fact(A.DIGITAL_TV, 0, 2, "数字电视套餐到期未续费，系统通常会？", "停止付费频道的授权", ("收回机顶盒", "注销用户账户", "停止宽带服务"),
         "数字电视套餐到期未续费，系统通常会{}。"),
    Fact(A.DIGITAL_TV, 2, 3, "用户通过微信缴费后频道仍未恢复，应指导用户？", "保持机顶盒开机等待授权或重启机顶盒", ("更换机顶盒", "重新缴费一次", "拔出智能卡后丢弃"),
         "微信缴费后频道仍未恢复，应指导用户{}。"),
    Fact(A.DIGITAL_TV, 0, 2, "高清频道在标清机顶盒上无法观看，原因是？", "标清机顶盒不支持高清解码", ("智能卡欠费", "电视机尺寸太小", "信号太强"),
         "高清频道在标清机顶盒上无法观看，是因为{}。"),
    Fact(A.DIGITAL_TV, 0, 2, "用户要求暂停有线电视服务（报停），应告知？", "报停期间不收取收视费，恢复时需办理复通", ("报停后机顶盒归用户所有", "报停期间照常收费", "报停后不能再恢复"),
         "用户报停时应告知：{}。"),
    # 宽带业务
    Fact(A.BROADBAND, 0, 1, "光纤入户宽带的用户端设备俗称？", "光猫", ("机顶盒", "分支器", "调制器"), "光纤入户宽带的用户端设备俗称{}。", ("光猫", "ONU")),
    Fact(A.BROADBAND, 0, 1, "光猫“LOS”指示灯红色闪烁表示？", "光信号中断", ("正常上网", "无线网络已开启", "正在升级"), "光猫“LOS”灯红色闪烁表示{}。"),
    Fact(A.BROADBAND, 0, 2, "家庭宽带“100M”指的是？", "下行速率 100Mbps", ("下行速率 100MB/s", "每月流量 100GB", "上行速率 100Mbps"),
         "家庭宽带“100M”指的是{}。"),
    Fact(A.BROADBAND, 2, 3, "100Mbps 宽带理论最大下载速度约为？", "12.5MB/s", ("100MB/s", "50MB/s", "1.25MB/s"),
         "100Mbps 宽带理论最大下载速度约为{}。", ("12.5MB/s", "12.5MB", "12.5")),
    Fact(A.BROADBAND, 0, 1, "用户家中无线信号弱，建议首先？", "调整路由器摆放位置，避免遮挡", ("更换电视机", "申请提速到 1000M", "恢复机顶盒出厂设置"),
         "用户家中无线信号弱，建议首先{}。"),
    Fact(A.BROADBAND, 2, 3, "DNS 的作用是？", "将域名解析为 IP 地址", ("为设备分配 IP 地址", "加密无线网络", "限制上网速度"), "DNS 的作用是{}。"),
    Fact(A.BROADBAND, 2, 3, "DHCP 的作用是？", "自动为设备分配 IP 地址", ("域名解析", "查杀病毒", "放大光信号"), "DHCP 的作用是{}。"),
    Fact(A.BROADBAND, 0, 2, "PPPoE 拨号上网需要？", "宽带账号和密码", ("智能卡号", "机顶盒序列号", "电视机型号"), "PPPoE 拨号上网需要{}。"),
    Fact(A.BROADBAND, 2, 3, "宽带拨号提示错误代码 691，通常表示？", "账号或密码错误，或账号欠费停机", ("网线未连接", "光猫未通电", "网页不存在"),
         "宽带拨号错误代码 691 通常表示{}。", ("691",)[:0]),
    Fact(A.BROADBAND, 3, 4, "宽带拨号提示错误代码 678 或 651，通常表示？", "线路或设备不通，远程无响应", ("密码错误", "账号已在别处登录", "网速过快"),
         "宽带拨号错误代码 678 或 651 通常表示{}。"),
    Fact(A.BROADBAND, 2, 3, "与 2.4GHz 相比，5GHz 无线网络的特点是？", "速率更高但穿墙能力较弱", ("穿墙能力更强", "覆盖范围更大", "不受距离影响"),
         "与 2.4GHz 相比，5GHz 无线网络{}。"),
    Fact(A.BROADBAND, 0, 2, "测试宽带速率时建议？", "用网线直连电脑测试", ("隔墙用手机无线测试", "同时下载多个大文件时测试", "开启代理软件测试"),
         "测试宽带速率时建议{}。"),
    Fact(A.BROADBAND, 2, 3, "Ping 命令用于？", "测试网络连通性", ("修改 IP 地址", "查看磁盘空间", "清除浏览器缓存"), "Ping 命令用于{}。", ("测试网络连通性", "测试连通性")),
    # 岗位服务规范
    Fact(A.SERVICE_NORMS, 0, 1, "接听来电的标准开头语是？", "“您好，有线电视服务热线，工号××为您服务”", ("“喂，什么事？”", "“您好，请讲”", "“请稍等”"),
         "接听来电的标准开头语是{}。"),
    Fact(A.SERVICE_NORMS, 0, 2, "首问负责制是指？", "首先接待用户的人员负责跟踪问题直至解决或转交到位", ("用户首次来电免费", "问题由班长首先处理", "首次投诉不予记录"),
         "首问负责制是指{}。"),
    Fact(A.SERVICE_NORMS, 0, 1, "用户情绪激动时，客服首先应？", "耐心倾听，表示理解", ("立即挂断电话", "与用户争辩", "直接转给班长"), "用户情绪激动时，客服首先应{}。"),
    Fact(A.SERVICE_NORMS, 0, 1, "通话中需要用户等待查询时，应？", "告知等待原因和大约时间，并致谢", ("直接静音", "不作说明", "让用户稍后再打"),
         "需要用户等待查询时，应{}。"),
    Fact(A.SERVICE_NORMS, 0, 1, "结束通话时，应？", "确认用户没有其他问题，待用户先挂机", ("立即挂机", "催促用户挂机", "不说结束语"), "结束通话时，应{}。"),
    Fact(A.SERVICE_NORMS, 2, 3, "核实来电人身份的正确做法是？", "请来电人提供户主姓名及证件号码后四位等信息进行核对",
         ("报出户主完整证件号码让对方确认", "只要知道地址即可办理", "无需核实"), "核实来电人身份的正确做法是{}。"),
    Fact(A.SERVICE_NORMS, 0, 2, "本热线规定，普通故障工单处理后应在多长时间内回访用户？", "24小时", ("72小时", "7天", "一个月"),
         "普通故障工单处理后应在{}内回访用户。", ("24小时", "24", "二十四小时")),
    Fact(A.SERVICE_NORMS, 0, 2, "遇到无法当场答复的问题时，应？", "记录问题，承诺回复时间并按时回复", ("随意答复", "让用户自行查询", "推说不归本部门管"),
         "遇到无法当场答复的问题时，应{}。"),
    Fact(A.SERVICE_NORMS, 0, 1, "“对不起”一般在什么时候使用？", "给用户造成不便或无法满足用户要求时", ("每句话开头", "用户表扬时", "从不使用"),
         "“对不起”一般在{}使用。"),
    Fact(A.SERVICE_NORMS, 3, 4, "平均通话时长偏长时，正确的改进方式是？", "提高业务熟练度，规范应答流程", ("主动挂断长通话", "拒绝解答复杂问题", "让用户改天再打"),
         "平均通话时长偏长时，正确的改进方式是{}。"),
)

# (area, level, difficulty, stem, right options, wrong options)
MULTIPLES = (
    (A.BROADBAND, 0, 2, "以下哪些情况会导致宽带无法上网？", ("光猫断电", "网线松动", "账号欠费停机"), ("电视机音量过小",)),
    (A.DIGITAL_TV, 0, 2, "机顶盒提示无信号时，可引导用户检查？", ("射频线连接", "分配器接头", "楼道是否停电或施工"), ("遥控器电池",)),
    (A.SERVICE_NORMS, 0, 1, "以下属于服务禁语的是？", ("“这事不归我管”", "“你听不懂吗”", "“我也没办法”"), ("“请您稍等，我马上为您查询”",)),
    (A.DIGITAL_TV, 2, 3, "提示“节目未授权”可能的原因有？", ("欠费", "套餐到期", "机卡不配对"), ("电视机分辨率过高",)),
    (A.BROADBAND, 2, 3, "改善家庭无线网络覆盖的方法有？", ("调整路由器位置", "使用无线中继或组网路由器", "选择干扰较少的信道"), ("关闭光猫电源",)),
    (A.BASIC_CULTURE, 0, 2, "属于有线数字电视增值业务的有？", ("视频点播", "时移回看"), ("模拟电视信号", "调频广播收音机")),
    (A.SERVICE_NORMS, 0, 2, "处理用户投诉的基本步骤包括？", ("倾听记录", "致歉安抚", "跟踪回访"), ("与用户争辩",)),
    (A.ANALOGUE_TV, 2, 3, "造成模拟电视画面干扰的因素有？", ("信号电平过低", "接头松动氧化", "附近有大功率电器"), ("用户的缴费方式",)),
    (A.DIGITAL_TV, 0, 2, "以下属于机顶盒常见故障现象的是？", ("黑屏无信号", "马赛克"), ("宽带账号被盗", "话费余额不足")),
    (A.BROADBAND, 2, 3, "宽带测速结果偏低可能的原因有？", ("使用无线连接测试", "多台设备同时占用带宽", "电脑网卡只支持百兆"), ("电视机未开机",)),
    (A.BASIC_CULTURE, 0, 2, "以下属于用户个人信息的是？", ("姓名", "身份证号码", "家庭住址"), ("营业厅地址",)),
    (A.SERVICE_NORMS, 0, 1, "通话中客服人员应做到？", ("语速适中", "用语规范"), ("随意打断用户", "边通话边与同事闲聊")),
)

SHORT_ANSWERS = (
    (A.DIGITAL_TV, 2, 3, "用户来电反映机顶盒“无信号”，请写出你的排查步骤。",
     "1. 确认是全部频道还是部分频道无信号；2. 检查射频线及接头是否松动；3. 查询所在区域有无停电或网络故障公告；"
     "4. 指导用户重启机顶盒；5. 仍不能解决则登记工单，预约上门。每步 2 分。"),
    (A.SERVICE_NORMS, 0, 3, "简述受理用户投诉的基本步骤。", "倾听并记录、致歉安抚、核实情况、提出处理方案、跟踪处理结果并回访。每项 2 分。"),
    (A.SERVICE_NORMS, 2, 3, "什么是首问负责制？客服人员应如何落实？",
     "首先接待用户的人员对用户的问题负责到底：当场能解决的当场解决；不能解决的记录清楚、转交到位、跟踪结果并告知用户。含义 4 分，做法 6 分。"),
    (A.BROADBAND, 2, 4, "用户反映宽带网速慢，请写出你的排查思路。",
     "确认签约速率；询问测速方式（有线/无线）；检查同时在线设备；检查光猫、路由器状态并重启；排除电脑网卡限制；"
     "查询区域网络负荷或故障；仍异常则派单检测。"),
    (A.SERVICE_NORMS, 3, 4, "在服务中保护用户个人信息，应注意哪些方面？",
     "核实身份后才办理；不向他人透露用户信息；不在非工作场合记录、传播；系统查询只为办理业务；发现泄露及时报告。"),
)

# 计算机操作: shortcuts asked as single choices.
SHORTCUTS = (
    ("复制所选内容的快捷键是？", "Ctrl+C", ("Ctrl+V", "Ctrl+X", "Ctrl+Z")),
    ("粘贴的快捷键是？", "Ctrl+V", ("Ctrl+C", "Ctrl+S", "Ctrl+A")),
    ("在工单系统页面中查找文字的快捷键是？", "Ctrl+F", ("Ctrl+H", "Ctrl+P", "Alt+F")),
    ("撤销上一步操作的快捷键是？", "Ctrl+Z", ("Ctrl+Y", "Ctrl+X", "Esc")),
    ("离开座位时锁定电脑屏幕的快捷键是？", "Win+L", ("Alt+F4", "Win+D", "Ctrl+Shift+Esc")),
    ("显示桌面的快捷键是？", "Win+D", ("Win+L", "Win+E", "Alt+Tab")),
)

TYPING = (
    "您好，有线电视服务热线，工号一零二三为您服务。请问您的机顶盒现在显示什么提示？请您先检查机顶盒后面的信号线是否插紧，"
    "然后关闭机顶盒电源十秒钟再打开，稍等一分钟看看画面是否恢复。",
    "尊敬的用户，您的宽带账号将于本月底到期。为避免影响使用，请您通过营业厅、微信公众号或网上营业厅及时续费。"
    "如有疑问，欢迎致电服务热线，我们将竭诚为您服务。",
    "感谢您的耐心等待。您反映的问题我已经记录并生成工单，维修人员将在二十四小时内与您联系，预约上门处理。"
    "届时请保持电话畅通。请问还有其他可以帮您的吗？",
)

SPEAKING = (
    ("请用普通话朗读以下话术：“您好，有线电视服务热线，很高兴为您服务。请问有什么可以帮您？”",
     "普通话：声母、韵母、声调准确（40 分）；语态：亲切自然、面带微笑的声音（30 分）；语速适中、停连得当（30 分）。"),
    ("情景应答：用户因一周内多次断网而情绪激动，要求立即赔偿。请现场应答。",
     "先致歉安抚并表示理解（30 分）；说明将核实故障记录并安排检修（30 分）；按规定说明补偿政策，不擅自承诺（20 分）；语气平和、用语规范（20 分）。"),
    ("请朗读短文：“数字电视让画面更清晰、节目更丰富。遇到问题时，请先检查信号线和电源，再拨打服务热线，我们会耐心为您解答。”",
     "参照普通话水平测试朗读短文评分：语音错误、语调偏误、停连不当、语速失当分别扣分。"),
)


# --- the bank ----------------------------------------------------------------------------


@dataclass
class Drafted:
    area: str
    qtype: str
    level: int
    difficulty: int
    content: dict


def _drafts() -> list[Drafted]:
    """Every question of the demo bank, in a fixed order, from the facts above."""
    rng = random.Random("demo-exam-bank")
    drafts = []
    for n, fact in enumerate(FACTS):
        options = [fact.right, *fact.wrong]
        rng.shuffle(options)
        key = OPTION_LETTERS[options.index(fact.right)]
        drafts.append(Drafted(fact.area, QuestionType.SINGLE, fact.level, fact.difficulty,
                              {"stem": fact.question, "options": options, "answer_text": key,
                               "explanation": fact.claim.format(fact.right)}))
        # true/false: every other fact is stated wrongly, so both answers occur
        truthful = n % 2 == 0
        said = fact.right if truthful else fact.wrong[n % 3]
        drafts.append(Drafted(fact.area, QuestionType.TRUE_FALSE, fact.level, max(1, fact.difficulty - 1),
                              {"stem": fact.claim.format(said), "answer_text": "对" if truthful else "错",
                               "explanation": "" if truthful else fact.claim.format(fact.right)}))
        if fact.blank:
            drafts.append(Drafted(fact.area, QuestionType.FILL_IN, fact.level, fact.difficulty,
                                  {"stem": fact.claim.format("____"), "answer_text": "|".join(fact.blank)}))
    for area, level, difficulty, stem, right, wrong in MULTIPLES:
        options = [*right, *wrong]
        rng.shuffle(options)
        key = "".join(OPTION_LETTERS[options.index(r)] for r in right)
        drafts.append(Drafted(area, QuestionType.MULTIPLE, level, difficulty, {"stem": stem, "options": options, "answer_text": key}))
    for area, level, difficulty, stem, reference in SHORT_ANSWERS:
        drafts.append(Drafted(area, QuestionType.SHORT_ANSWER, level, difficulty, {"stem": stem, "reference": reference}))
    for stem, right, wrong in SHORTCUTS:
        options = [right, *wrong]
        rng.shuffle(options)
        drafts.append(Drafted(A.COMPUTER, QuestionType.SINGLE, 0, 1,
                              {"stem": stem, "options": options, "answer_text": OPTION_LETTERS[options.index(right)]}))
    for n, passage in enumerate(TYPING):
        drafts.append(Drafted(A.COMPUTER, QuestionType.TYPING, 0, 2 + n % 2,
                              {"stem": "打字测试：请在 5 分钟内照下文录入，标点符号也须录入。", "material": passage}))
    for n, (stem, reference) in enumerate(SPEAKING):
        drafts.append(Drafted(A.LANGUAGE, QuestionType.SPEAKING, 0, 2 + n % 2, {"stem": stem, "reference": reference}))
    return drafts


# Marks of a question in the bank (the paper's rule decides the marks in an exam).
DEFAULT_MARKS = {QuestionType.SINGLE: 2, QuestionType.TRUE_FALSE: 1, QuestionType.FILL_IN: 2, QuestionType.MULTIPLE: 3,
                 QuestionType.SHORT_ANSWER: 10, QuestionType.TYPING: 60, QuestionType.SPEAKING: 30}


def _bank(hotline) -> tuple[list[Question], list[Drafted]]:
    drafts = _drafts()
    questions = [Question(hotline=hotline, number=f"{n:04d}", area=d.area, qtype=d.qtype, level=d.level, difficulty=d.difficulty)
                 for n, d in enumerate(drafts, start=1)]
    return questions, drafts


def _versions(questions, drafts, author) -> list[QuestionVersion]:
    versions = []
    for question, draft in zip(questions, drafts):
        content = build_content(qtype=draft.qtype, marks=Decimal(DEFAULT_MARKS[draft.qtype]), **draft.content)
        versions.append(QuestionVersion(
            question=question, number=1, stem=content.stem, options=content.options, answer=content.answer, marks=content.marks,
            explanation=content.explanation, reference=content.reference, material=content.material,
            created_by=author, created_by_name=str(author), note="建立题库",
        ))
    return versions


# --- blueprints ------------------------------------------------------------------------------------

Rule = tuple  # (area, qtype, count, marks, difficulty or None)

TWO_STAR = (
    ("知识", SectionKind.KNOWLEDGE, Decimal("0.60"), (
        (A.BASIC_CULTURE, QuestionType.SINGLE, 3, 2, None),
        (A.ANALOGUE_TV, QuestionType.SINGLE, 3, 2, None),
        (A.DIGITAL_TV, QuestionType.SINGLE, 6, 2, None),
        (A.BROADBAND, QuestionType.SINGLE, 5, 2, None),
        (A.SERVICE_NORMS, QuestionType.SINGLE, 4, 2, None),
        (A.DIGITAL_TV, QuestionType.TRUE_FALSE, 4, 2, None),
        (A.BROADBAND, QuestionType.TRUE_FALSE, 3, 2, None),
        (A.SERVICE_NORMS, QuestionType.TRUE_FALSE, 3, 2, None),
        (A.DIGITAL_TV, QuestionType.MULTIPLE, 2, 4, None),
        (A.BROADBAND, QuestionType.MULTIPLE, 2, 4, None),
        (A.BASIC_CULTURE, QuestionType.FILL_IN, 2, 3, None),
        (A.SERVICE_NORMS, QuestionType.SHORT_ANSWER, 1, 10, None),
    )),
    ("技能", SectionKind.SKILLS, Decimal("0.40"), (
        (A.COMPUTER, QuestionType.SINGLE, 2, 5, None),
        (A.COMPUTER, QuestionType.TYPING, 1, 60, None),
        (A.LANGUAGE, QuestionType.SPEAKING, 1, 30, None),
    )),
)

# The June comprehensive exam: objective items only, 100 marks (40 × 1.5 + 20 × 1 + 5 × 2 + 5 × 2).
JUNE = (
    ("综合知识", SectionKind.KNOWLEDGE, Decimal("1"), (
        (A.BASIC_CULTURE, QuestionType.SINGLE, 6, Decimal("1.5"), None),
        (A.ANALOGUE_TV, QuestionType.SINGLE, 6, Decimal("1.5"), None),
        (A.DIGITAL_TV, QuestionType.SINGLE, 12, Decimal("1.5"), None),
        (A.BROADBAND, QuestionType.SINGLE, 9, Decimal("1.5"), None),
        (A.SERVICE_NORMS, QuestionType.SINGLE, 7, Decimal("1.5"), None),
        (A.BASIC_CULTURE, QuestionType.TRUE_FALSE, 4, 1, None),
        (A.ANALOGUE_TV, QuestionType.TRUE_FALSE, 4, 1, None),
        (A.DIGITAL_TV, QuestionType.TRUE_FALSE, 4, 1, None),
        (A.BROADBAND, QuestionType.TRUE_FALSE, 4, 1, None),
        (A.SERVICE_NORMS, QuestionType.TRUE_FALSE, 4, 1, None),
        (A.DIGITAL_TV, QuestionType.MULTIPLE, 2, 2, None),
        (A.BROADBAND, QuestionType.MULTIPLE, 2, 2, None),
        (A.SERVICE_NORMS, QuestionType.MULTIPLE, 1, 2, None),
        (A.BASIC_CULTURE, QuestionType.FILL_IN, 3, 2, None),
        (A.DIGITAL_TV, QuestionType.FILL_IN, 2, 2, None),
    )),
)

SERVICE_QUIZ = (
    ("服务素质", SectionKind.KNOWLEDGE, Decimal("1"), (
        (A.SERVICE_NORMS, QuestionType.SINGLE, 8, 5, None),
        (A.SERVICE_NORMS, QuestionType.TRUE_FALSE, 6, 5, None),
        (A.SERVICE_NORMS, QuestionType.MULTIPLE, 2, 15, None),
        (A.SERVICE_NORMS, QuestionType.SHORT_ANSWER, 1, 0, None),
    )),
)


def _blueprint_rows(hotline, name, kind, description, layout):
    blueprint = Blueprint(hotline=hotline, name=name, kind=kind, description=description)
    sections, rules = [], []
    for position, (section_name, section_kind, weight, section_rules) in enumerate(layout, start=1):
        section = BlueprintSection(blueprint=blueprint, position=position, name=section_name, kind=section_kind, weight=weight)
        sections.append(section)
        for n, (area, qtype, count, marks, difficulty) in enumerate(section_rules, start=1):
            if marks:
                rules.append(BlueprintRule(section=section, position=n, area=area, qtype=qtype, count=count,
                                           marks=Decimal(marks), difficulty=difficulty))
    return blueprint, sections, rules


# --- the June attempts -------------------------------------------------------------------------


def june_score(rank: int, ranked: int) -> Decimal:
    """A score for a June rank: 99, 98.5, … for the first twelve (distinct, so the E7 limits of 5 and 10 fall
    where the ranks say), then spread down to about 55; equal ranks get equal scores."""
    if rank <= 12:
        return Decimal(99) - Decimal("0.5") * (rank - 1)
    span = max(ranked - 12, 1)
    raw = Decimal(93) - Decimal(38) * Decimal(rank - 13) / Decimal(span)
    return (raw * 2).to_integral_value() / 2


def _split(score: Decimal, counts: dict) -> dict:
    """How many items of each kind are right for exactly ``score`` on the June paper (in half marks):
    singles 3 each, true/false 2, fill-ins 4, multiple choices 4 (or 2 when half right)."""
    return dict(_split_units(int(score * 2), tuple(sorted(counts.items()))))


@functools.lru_cache(maxsize=512)
def _split_units(units: int, counts: tuple) -> tuple:
    counts = dict(counts)
    # |n / count − units / 200| scaled to whole numbers: |200·n − units·count| × (lcm / count)
    lcm = math.lcm(*(counts[k] for k in ("single", "fill_in", "true_false", "multiple")))
    weight = {k: lcm // counts[k] for k in ("single", "fill_in", "true_false", "multiple")}
    best = None
    for singles in range(counts["single"] + 1):
        left = units - 3 * singles
        if left < 0 or left % 2:
            continue
        for fills in range(counts["fill_in"] + 1):
            rest = left - 4 * fills
            if rest < 0:
                break
            for tfs in range(counts["true_false"] + 1):
                after = rest - 2 * tfs
                if after < 0:
                    break
                full, half = divmod(after, 4)
                if half not in (0, 2) or full + (half // 2) > counts["multiple"]:
                    continue
                # keep every kind close to the overall share, so a good agent is good at everything
                spread = (abs(200 * singles - units * counts["single"]) * weight["single"]
                          + abs(200 * fills - units * counts["fill_in"]) * weight["fill_in"]
                          + abs(200 * tfs - units * counts["true_false"]) * weight["true_false"]
                          + abs(200 * full - units * counts["multiple"]) * weight["multiple"])
                if best is None or spread < best[0]:
                    best = (spread, (("single", singles), ("fill_in", fills), ("true_false", tfs), ("multiple", full),
                                     ("multiple_half", half // 2)))
    return best[1]


def _wrong_response(qtype, version, rng):
    letters = OPTION_LETTERS[: len(version.options)]
    if qtype == QuestionType.SINGLE:
        return rng.choice([l for l in letters if l != version.answer])
    if qtype == QuestionType.TRUE_FALSE:
        return not version.answer
    if qtype == QuestionType.MULTIPLE:
        wrong = [l for l in letters if l not in version.answer]
        return sorted({rng.choice(version.answer), rng.choice(wrong)})
    if qtype == QuestionType.FILL_IN:
        return [rng.choice(("不清楚", "", "有线网络", "机顶盒"))] * len(version.answer)
    return None


def _right_response(qtype, version, half=False):
    if qtype == QuestionType.MULTIPLE and half:
        return list(version.answer[:-1])
    if qtype == QuestionType.FILL_IN:
        return [accepted[0] for accepted in version.answer]
    return version.answer


# --- the builder ------------------------------------------------------------------------------------


def _aware(day: D, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)), TZ)


def build_exams(group) -> None:
    """The demo generator's builder (hotline_builder.BUILDERS)."""
    years = sorted({year for ranks in group.facts.get("june_ranks", {}).values() for year in ranks})
    june_year = years[-1] if years else timezone.localdate().year
    june_day = D(june_year, 6, 20)
    bank_day = _aware(D(june_year, 3, 1), 9)
    now = timezone.now()

    # the bank: questions, their first versions, then each question pointing at its version
    per_hotline = []
    all_questions = []
    for demo in group.hotlines:
        questions, drafts = _bank(demo.hotline)
        per_hotline.append((demo, questions, drafts))
        all_questions += questions
    Question.objects.bulk_create(all_questions, batch_size=2000)
    versions = []
    for demo, questions, drafts in per_hotline:
        versions += _versions(questions, drafts, demo.accounts[Role.SUPERVISOR][0])
    QuestionVersion.objects.bulk_create(versions, batch_size=2000)
    QuestionVersion.objects.filter(pk__in=[v.pk for v in versions]).update(created_at=bank_day)
    for question, version in zip(all_questions, versions):
        question.current = version
    Question.objects.bulk_update(all_questions, ["current"], batch_size=2000)

    # blueprints
    layouts = (("二星资格考试（标准卷）", SittingKind.LEVEL2, "X2：知识 60%、技能 40%；技能含打字和口试，由考官评分。", TWO_STAR),
               (f"{june_year}年年中综合考试", SittingKind.JUNE, "全员参加的年中业务综合考试，客观题，满分 100 分（J1）。", JUNE),
               ("服务素质测验", SittingKind.SERVICE, "岗位服务规范练习测验。", SERVICE_QUIZ))
    blueprints, sections, rules = {}, [], []
    for demo in group.hotlines:
        for name, kind, description, layout in layouts:
            blueprint, its_sections, its_rules = _blueprint_rows(demo.hotline, name, kind, description, layout)
            blueprints[(demo.code, kind)] = blueprint
            sections += its_sections
            rules += its_rules
    Blueprint.objects.bulk_create(list(blueprints.values()))
    BlueprintSection.objects.bulk_create(sections)
    BlueprintRule.objects.bulk_create(rules, batch_size=2000)

    # the June paper, made ten days before the exam; a few of its questions reworded in July; then today's quiz paper
    june_made = _aware(D(june_year, 6, 10), 10)
    paper_of = _shared_papers(group, blueprints, SittingKind.JUNE, f"{june_year}年年中综合考试 试卷", june_made)
    june_papers = [paper_of[(d.code, SittingKind.JUNE)] for d in group.hotlines]
    QuestionVersion.objects.filter(paper_items__paper__in=june_papers).update(frozen_at=june_made)
    _revise_after_june(group, june_papers, june_year)
    paper_of |= _shared_papers(group, blueprints, SittingKind.SERVICE, "服务素质测验 试卷", now)

    # sittings
    sittings = {}
    for demo in group.hotlines:
        sittings[(demo.code, SittingKind.JUNE)] = Sitting(
            hotline=demo.hotline, name=f"{june_year}年年中综合考试", kind=SittingKind.JUNE, mode=PaperMode.SHARED,
            paper=paper_of[(demo.code, SittingKind.JUNE)], opens_at=_aware(june_day, 9), closes_at=_aware(june_day, 11, 30),
            time_limit_minutes=90, grace_seconds=60, release_rule=ReleaseRule.MANUAL, status=SittingStatus.CLOSED,
            shuffle_questions=True, shuffle_options=False,
            seed=papers.derived_seed(group.seed, "sitting", demo.code, "june"),
            opened_at=_aware(june_day, 8, 30), closed_at=_aware(june_day, 11, 31))
        sittings[(demo.code, SittingKind.SERVICE)] = Sitting(
            hotline=demo.hotline, name="服务素质测验", kind=SittingKind.SERVICE, mode=PaperMode.SHARED,
            paper=paper_of[(demo.code, SittingKind.SERVICE)], opens_at=now.replace(second=0, microsecond=0),
            closes_at=now.replace(second=0, microsecond=0) + datetime.timedelta(days=30), time_limit_minutes=20, grace_seconds=60,
            release_rule=ReleaseRule.ON_CLOSE, status=SittingStatus.OPEN, seed=papers.derived_seed(group.seed, "sitting", demo.code, "quiz"),
            opened_at=now)
    Sitting.objects.bulk_create(list(sittings.values()))

    # invitations: everyone active on the June exam day (J1), everyone active today for the quiz
    invitations = []
    for demo in group.hotlines:
        supervisor = demo.accounts[Role.SUPERVISOR][0]
        for person, agent in zip(demo.people, demo.agents):
            if agent.active_on(june_day):
                invitations.append(Invitation(sitting=sittings[(demo.code, SittingKind.JUNE)], person=person, how=InvitedHow.EVERYONE,
                                              invited_at=_aware(D(june_year, 6, 10), 10), invited_by=supervisor))
            if person.left_on is None:
                invitations.append(Invitation(sitting=sittings[(demo.code, SittingKind.SERVICE)], person=person, how=InvitedHow.EVERYONE,
                                              invited_at=now, invited_by=supervisor))
    Invitation.objects.bulk_create(invitations, batch_size=2000)

    attempts, answers = _june_attempts(group, june_year, june_day, sittings, invitations, paper_of)
    group.counts["questions"] = len(all_questions)
    group.counts["exam_attempts"] = attempts
    group.counts["exam_answers"] = answers


def _june_attempts(group, june_year, june_day, sittings, invitations, paper_of) -> tuple[int, int]:
    """Everyone's June attempt, graded by marking.py, scored in the order of the title story's ranks (J1).

    Written hotline by hotline (a 20,000-agent group has over a million answers), one bulk insert per kind of row.
    """
    june_papers = [paper_of[(demo.code, SittingKind.JUNE)] for demo in group.hotlines]
    items_of = {}
    for item in PaperItem.objects.filter(paper__in=june_papers).select_related("version__question").order_by("paper", "position"):
        items_of.setdefault(item.paper_id, []).append(item)
    invited = {}
    for invitation in invitations:
        invited.setdefault(id(invitation.sitting), []).append(invitation)
    attempt_count = answer_count = 0
    for demo in group.hotlines:
        sitting = sittings[(demo.code, SittingKind.JUNE)]
        paper = paper_of[(demo.code, SittingKind.JUNE)]
        items = items_of[paper.pk]
        by_type = {}
        for item in items:
            by_type.setdefault(item.version.question.qtype, []).append(item)
        counts = {k: len(by_type.get(k, [])) for k in ("single", "true_false", "fill_in", "multiple")}
        ranks = group.facts.get("june_ranks", {}).get(demo.code, {}).get(june_year, {})
        person_key = {person.pk: key for key, person in enumerate(demo.people)}
        rng = group.rng("june-attempts", demo)
        attempts, pending = [], []
        for invitation in invited.get(id(sitting), []):
            key = person_key[invitation.person_id]
            if key not in ranks:
                continue  # not ranked in the story: absent that day
            score = june_score(ranks[key], len(ranks))
            split = _split(score, counts)
            started = _aware(june_day, 9, rng.randrange(0, 20))
            seed = papers.derived_seed(sitting.seed, "order", invitation.person_id)
            order = [item.pk for item in items]
            random.Random(seed).shuffle(order)
            attempt = Attempt(invitation=invitation, sitting=sitting, person_id=invitation.person_id, paper=paper,
                              status=AttemptStatus.SUBMITTED, started_at=started, deadline=min(started + sitting.time_limit, sitting.closes_at),
                              submitted_at=started + datetime.timedelta(minutes=rng.randrange(45, 88)), ended_by=EndedBy.AGENT,
                              item_order=order, option_orders={}, seed=seed, focus_losses=rng.choice((0, 0, 0, 0, 1, 2)))
            attempts.append(attempt)
            total = Decimal(0)
            for qtype, group_items in by_type.items():
                right = set(rng.sample(range(len(group_items)), split.get(qtype, 0)))
                halves = set()
                if qtype == QuestionType.MULTIPLE and split["multiple_half"]:
                    halves = set(rng.sample([i for i in range(len(group_items)) if i not in right], split["multiple_half"]))
                for index, item in enumerate(group_items):
                    version = item.version
                    if index in right or index in halves:
                        response = _right_response(qtype, version, half=index in halves)
                    else:
                        response = _wrong_response(qtype, version, rng)
                    scored = marking.auto_score(qtype, version.answer, response, item.marks, option_count=len(version.options))
                    total += scored
                    pending.append((attempt, item.pk, response, started + datetime.timedelta(minutes=1 + index % 40), scored))
            attempt.auto_score = total
            if total != score:  # the split is exact by construction
                raise ValueError(f"June demo score {total} != {score}")
        Attempt.objects.bulk_create(attempts, batch_size=1000)
        _insert_answers([(attempt.pk, *rest) for attempt, *rest in pending])
        # the evidence behind each focus-loss count: away and back, a few minutes into the exam
        events = []
        for attempt in attempts:
            for n in range(attempt.focus_losses):
                away = attempt.started_at + datetime.timedelta(minutes=10 + 17 * n)
                events += [FocusEvent(attempt=attempt, kind=FocusKind.AWAY, at=away),
                           FocusEvent(attempt=attempt, kind=FocusKind.BACK, at=away + datetime.timedelta(seconds=20 + 7 * n))]
        FocusEvent.objects.bulk_create(events, batch_size=2000)
        attempt_count += len(attempts)
        answer_count += len(pending)
    return attempt_count, answer_count


def _insert_answers(rows: list[tuple]) -> None:
    """Insert (attempt id, item id, response, saved at, auto score) rows of submitted answers with a plain
    INSERT: a large group has over a million of them, and building a model object for each, with the ORM's
    work on a dozen mostly empty fields, is what would take the time."""
    db = connections["default"]
    names = ("attempt", "item", "response", "saved_at", "auto_score", "saves", "audio")
    fields = {name: Answer._meta.get_field(name) for name in names}
    table = db.ops.quote_name(Answer._meta.db_table)
    columns = ", ".join(db.ops.quote_name(fields[name].column) for name in names)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"
    response, saved_at, score = fields["response"], fields["saved_at"], fields["auto_score"]
    with db.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, [
                (attempt_id, item_id, response.get_db_prep_save(value, db), saved_at.get_db_prep_save(at, db),
                 score.get_db_prep_save(scored, db), 1, "")
                for attempt_id, item_id, value, at, scored in rows[start:start + 5000]
            ])


def _shared_papers(group, blueprints, kind, title, made) -> dict:
    """One shared paper per hotline drawn from its blueprint of ``kind`` (seeded by the group seed)."""
    plans = []
    for demo in group.hotlines:
        blueprint = blueprints[(demo.code, kind)]
        seed = papers.derived_seed(group.seed, "paper", demo.code, kind)
        planned, shortages = papers.draw(blueprint, papers.candidates(demo.hotline, blueprint.kind), seed)
        if shortages:  # the facts above always fill these blueprints; a change that breaks it must be seen
            raise ValueError("; ".join(s.message() for s in shortages))
        paper = papers.paper_for(blueprint, title=title, seed=seed, actor=demo.accounts[Role.SUPERVISOR][0])
        paper.created_at = made
        plans.append(((demo.code, kind), paper, planned))
    written = papers.write_papers([(paper, planned) for _key, paper, planned in plans])
    return {key: paper for (key, _p, _planned), paper in zip(plans, written)}


def _revise_after_june(group, june_papers, june_year):
    """Two June questions per hotline were reworded in July: version 2 is current, version 1 stays as the agents saw it."""
    revised_on = _aware(D(june_year, 7, 15), 15)
    used = (QuestionVersion.objects.filter(paper_items__paper__in=june_papers, question__qtype=QuestionType.SINGLE)
            .select_related("question").order_by("question__hotline_id", "question__number").distinct())
    first_two = {}
    for version in used:
        first_two.setdefault(version.question.hotline_id, [])
        if len(first_two[version.question.hotline_id]) < 2:
            first_two[version.question.hotline_id].append(version)
    author = {demo.hotline.pk: demo.accounts[Role.SUPERVISOR][0] for demo in group.hotlines}
    new_versions, touched = [], []
    for hotline_id, versions in first_two.items():
        for version in versions:
            question = version.question
            new_versions.append(QuestionVersion(
                question=question, number=2, stem=version.stem.replace("？", "（单选）？", 1), options=version.options, answer=version.answer,
                marks=version.marks, explanation=version.explanation, reference=version.reference, material=version.material,
                note="表述更清楚：注明单选", created_by=author[hotline_id], created_by_name=str(author[hotline_id]),
            ))
            touched.append(question)
    QuestionVersion.objects.bulk_create(new_versions)
    QuestionVersion.objects.filter(pk__in=[v.pk for v in new_versions]).update(created_at=revised_on)
    for question, version in zip(touched, new_versions):
        question.current = version
    Question.objects.bulk_update(touched, ["current"])
