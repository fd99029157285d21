"""Fixtures of the exam tests: a small bank, a 2-star blueprint (knowledge 60% / skills 40%), papers and sittings."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from stardesk.exams import services
from stardesk.exams.models import Area, PaperMode, QuestionType, SectionKind, SittingKind
from stardesk.exams.services import RuleInput, SectionInput


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def make_question(supervisor, hotline):
    """make_question(qtype, area=..., answer_text=..., ...) as the supervisor, with sensible content per type."""

    def _make(qtype=QuestionType.SINGLE, *, area=Area.DIGITAL_TV, level=0, difficulty=3, actor=None, target=None, **content):
        defaults = {
            QuestionType.SINGLE: {"stem": "机顶盒提示“E-102 无信号”时，首先应请用户检查什么？",
                                  "options": ["信号线连接", "遥控器电池", "电视音量", "账户余额"], "answer_text": "A"},
            QuestionType.MULTIPLE: {"stem": "以下哪些属于宽带故障的常见原因？",
                                    "options": ["光猫断电", "网线松动", "欠费停机", "电视换台"], "answer_text": "ABC"},
            QuestionType.TRUE_FALSE: {"stem": "数字电视信号比模拟电视信号更抗干扰。", "answer_text": "对"},
            QuestionType.FILL_IN: {"stem": "有线电视的英文缩写是 ____，机顶盒的英文缩写是 ____。", "answer_text": "CATV；STB|Set-Top Box"},
            QuestionType.SHORT_ANSWER: {"stem": "简述受理用户投诉的基本步骤。", "reference": "倾听、致歉、记录、处理、回访"},
            QuestionType.TYPING: {"stem": "请录入下文。", "material": "您好，这里是有线电视服务热线，请问有什么可以帮您？"},
            QuestionType.SPEAKING: {"stem": "请用普通话朗读下段话术。", "reference": "发音标准、语速适中、语气亲切"},
        }[qtype]
        if qtype == QuestionType.TYPING:
            area = Area.COMPUTER
        if qtype == QuestionType.SPEAKING:
            area = Area.LANGUAGE
        values = {"marks": Decimal(2), **defaults, **content}
        return services.question_create(actor=actor or supervisor, hotline=target or hotline, area=area, qtype=qtype,
                                        level=level, difficulty=difficulty, **values)

    return _make


@pytest.fixture
def bank(make_question):
    """10 digital-TV single choices (difficulty 3), 4 broadband multiple choices, 4 service-norm true/false,
    2 fill-ins, 2 typing tests."""
    questions = {
        "single": [make_question(QuestionType.SINGLE, stem=f"数字电视单选题 {n}") for n in range(10)],
        "multiple": [make_question(QuestionType.MULTIPLE, area=Area.BROADBAND, stem=f"宽带多选题 {n}") for n in range(4)],
        "true_false": [make_question(QuestionType.TRUE_FALSE, area=Area.SERVICE_NORMS, stem=f"服务规范判断题 {n}") for n in range(4)],
        "fill_in": [make_question(QuestionType.FILL_IN, area=Area.BASIC_CULTURE, stem=f"填空题 {n}：____ 与 ____。") for n in range(2)],
        "typing": [make_question(QuestionType.TYPING, stem=f"打字题 {n}") for n in range(2)],
    }
    return questions


def two_star_sections(*, singles=5, knowledge=Decimal("0.6"), skills=Decimal("0.4")):
    return [
        SectionInput("知识", SectionKind.KNOWLEDGE, knowledge, [
            RuleInput(Area.DIGITAL_TV, QuestionType.SINGLE, singles, Decimal(4), 3),
            RuleInput(Area.BROADBAND, QuestionType.MULTIPLE, 2, Decimal(5)),
            RuleInput(Area.SERVICE_NORMS, QuestionType.TRUE_FALSE, 2, Decimal(5)),
            RuleInput(Area.BASIC_CULTURE, QuestionType.FILL_IN, 1, Decimal(10)),
        ]),
        SectionInput("技能", SectionKind.SKILLS, skills, [RuleInput(Area.COMPUTER, QuestionType.TYPING, 1, Decimal(100))]),
    ]


@pytest.fixture
def blueprint(bank, supervisor, hotline):
    return services.blueprint_create(actor=supervisor, hotline=hotline, name="二星资格考试", kind=SittingKind.LEVEL2,
                                     sections=two_star_sections())


@pytest.fixture
def policy_this_year(hotline, supervisor):
    from stardesk.yearly_policy import services as policy_services

    return policy_services.policy_create_from_defaults(actor=supervisor, hotline=hotline, year=timezone.localdate().year)


@pytest.fixture
def paper(blueprint, supervisor):
    return services.paper_materialise(actor=supervisor, blueprint=blueprint, title="二星资格试卷 A")


def window(minutes_before=10, minutes_after=120):
    now = timezone.now()
    return now - datetime.timedelta(minutes=minutes_before), now + datetime.timedelta(minutes=minutes_after)


@pytest.fixture
def make_sitting(supervisor, hotline, policy_this_year):
    def _make(*, paper=None, blueprint=None, kind=SittingKind.LEVEL2, limit=30, grace=60, invite=(), open_it=True, **extra):
        opens_at, closes_at = window()
        sitting = services.sitting_create(
            actor=supervisor, hotline=hotline, name=extra.pop("name", "二星资格考试（第一场）"), kind=kind,
            mode=PaperMode.SHARED if paper is not None else PaperMode.PER_PERSON, paper=paper, blueprint=blueprint,
            opens_at=extra.pop("opens_at", opens_at), closes_at=extra.pop("closes_at", closes_at), time_limit_minutes=limit,
            grace_seconds=grace, **extra,
        )
        if invite:
            services.invite_people(actor=supervisor, sitting=sitting, people=list(invite))
        if open_it:
            sitting = services.sitting_open(actor=supervisor, sitting=sitting)
        return sitting

    return _make


@pytest.fixture
def sitting(make_sitting, paper, agent_person, colleague):
    """An open shared-paper 2-star sitting (30 minutes, 60 s grace) with 张三 and 李四 invited."""
    return make_sitting(paper=paper, invite=(agent_person, colleague))


@pytest.fixture
def colleague_user(hotline, colleague):
    from stardesk.accounts.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="colleague", role=Role.AGENT, hotline=hotline, person=colleague)


@pytest.fixture
def started(sitting, agent, agent_person):
    """张三's attempt, started now."""
    invitation = sitting.invitations.get(person=agent_person)
    return services.attempt_start(actor=agent, invitation=invitation)


def items_by_type(attempt):
    """{qtype: [Answer, ...]} of an attempt, in paper order."""
    found = {}
    for answer in attempt.answers.select_related("item__version__question").order_by("item__position"):
        found.setdefault(answer.item.version.question.qtype, []).append(answer)
    return found


def expire(attempt, *, seconds_past_grace=1):
    """Move the server's deadline into the past, beyond the grace period (the clock, not the rules, is what we fake)."""
    attempt.deadline = timezone.now() - attempt.sitting.grace - datetime.timedelta(seconds=seconds_past_grace)
    attempt.save(update_fields=["deadline"])
    return attempt
