"""Words the demo is made of: people's names, city branches, team names."""
import random

# The most common surnames, most frequent first; the weights follow their rough share.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    "郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金"
    "石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
)
SURNAME_WEIGHTS = [max(1.0, 12.0 - i * 0.25) for i in range(len(SURNAMES))]

# Characters of given names of the generation born 1980–2000, by the usual
# reading of a name as a woman's or a man's; hotline agents are mostly women.
WOMEN_CHARACTERS = "芳娜敏静丽艳娟秀霞英玉萍红玲燕婷雪琳欣怡佳悦思雨萌颖琪璐瑶倩蕾丹莉薇晶洁梅兰菲月婕楠雯蓓琦萱妍彤慧梦"
MEN_CHARACTERS = "伟强磊军洋勇杰涛明超平刚华彬鑫宇浩凯晨辉斌波宁亮健峰博文昊然轩晓宏志鹏飞俊帅阳"
WOMEN_SHARE = 0.72

CITIES = (
    "杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水",
    "南京", "无锡", "徐州", "常州", "苏州", "南通", "扬州", "镇江", "泰州", "盐城",
    "合肥", "芜湖", "蚌埠", "安庆", "黄山", "福州", "厦门", "泉州", "漳州", "南昌",
    "赣州", "九江", "济南", "青岛", "烟台", "潍坊", "郑州", "洛阳", "武汉", "长沙",
)

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 33 → 三十三 (team names count this way)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else _DIGITS[tens]) + "十" if tens else ""
    return text + (_DIGITS[ones] if ones else "")


def team_name(n: int) -> str:
    return f"{chinese_number(n)}班"


def person_name(rng: random.Random) -> str:
    surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
    characters = WOMEN_CHARACTERS if rng.random() < WOMEN_SHARE else MEN_CHARACTERS
    length = 1 if rng.random() < 0.3 else 2
    return surname + "".join(rng.choice(characters) for _ in range(length))


def unique_names(rng: random.Random, count: int) -> list[str]:
    """Names for one hotline; a repeat gets a few more draws, so a roster rarely shows two 张伟."""
    names: list[str] = []
    seen: set[str] = set()
    for _ in range(count):
        name = person_name(rng)
        for _retry in range(20):
            if name not in seen:
                break
            name = person_name(rng)
        seen.add(name)
        names.append(name)
    return names


def hotline_name(index: int) -> str:
    """The group's first hotline is the main one; the others are city branches."""
    if index == 1:
        return "有线电视服务热线"
    if index - 2 < len(CITIES):
        return f"{CITIES[index - 2]}分公司服务热线"
    return f"第{index}分公司服务热线"


def hotline_code(index: int) -> str:
    return "main" if index == 1 else f"branch-{index:02d}"
