"""Pages and JSON endpoints of the exams: parse, call a query or a service, render."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import formset_factory
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.audit import queries as audit_queries
from stardesk.core.errors import DomainError, Forbidden, NotFound
from stardesk.exams import queries, services
from stardesk.exams.forms import (
    EXTRA_RULES,
    EXTRA_SECTIONS,
    BankFilterForm,
    BlueprintForm,
    InviteForm,
    MaterialiseForm,
    QuestionForm,
    RuleForm,
    SectionForm,
    SittingForm,
    question_initial,
)
from stardesk.exams.models import (
    AttemptStatus,
    EndedBy,
    InvitedHow,
    PaperMode,
    SectionKind,
    SittingKind,
    SittingStatus,
)
from stardesk.people.models import Person
from stardesk.policy.reasons import num

# Which form field a refusal belongs to, so it shows next to the input.
QUESTION_FIELDS = {"option_a", "option_b", "option_c", "option_d", "option_e", "option_f", "answer", "reference",
                   "material", "marks", "stem", "area", "qtype", "level", "difficulty", "status", "number"}


def _refused(form, error: DomainError, fields=()) -> None:
    if isinstance(error, (Forbidden, NotFound)):
        raise error
    placed = False
    for detail in error.details:
        if isinstance(detail, dict):
            name = detail.get("field")
            form.add_error(name if name in form.fields and name in fields else None, detail.get("message"))
        else:
            form.add_error(None, str(detail))
        placed = True
    if not placed:
        form.add_error(None, error.message)


def _partial_or_page(request, partial: str, page: str, context: dict):
    """htmx live filtering swaps only the results; a plain request (or a history restore) gets the page."""
    wants_partial = bool(request.htmx) and not request.htmx.history_restore_request
    response = render(request, partial if wants_partial else page, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _hotline_for_new(request, form):
    return form.cleaned_data.get("hotline") if request.user.role == Role.ADMIN else request.user.hotline


# --- bank ------------------------------------------------------------------------------------


@login_required
@require_GET
def bank(request):
    permissions.require(request.user, "exams.view")
    form = BankFilterForm(request.user, request.GET or None)
    wanted = form.wanted()
    page = Paginator(queries.bank_list(request.user, wanted), queries.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "sort": wanted.sort,
        "can_edit": permissions.has(request.user, "exams.edit"),
        "show_hotline": request.user.role == Role.ADMIN,
    }
    return _partial_or_page(request, "exams/_bank_list.html", "exams/bank.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def question_create(request):
    permissions.require(request.user, "exams.edit")
    form = QuestionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            content = form.content()
            question = services.question_create(
                actor=request.user, hotline=_hotline_for_new(request, form), qtype=form.cleaned_data["qtype"],
                number=form.cleaned_data.get("number", ""), **content,
            )
        except DomainError as error:
            _refused(form, error, QUESTION_FIELDS)
        else:
            messages.success(request, _("已新建试题 %(n)s。") % {"n": question.number})
            return redirect("exams:question", question.pk)
    return render(request, "exams/question_form.html", {"form": form, "question": None, "rules": queries.RULES_SHOWN})


@login_required
@require_GET
def question_detail(request, pk):
    question = queries.question_for(request.user, pk)
    versions = list(queries.versions_of(question))
    trail = audit_queries.trail_for(question)
    return render(request, "exams/question_detail.html", {
        "question": question, "version": question.current, "versions": versions, "trail": trail,
        "can_edit": services.can_manage(request.user, question.hotline),
    })


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, pk):
    question = queries.question_for(request.user, pk)
    permissions.require(request.user, "exams.edit")
    form = QuestionForm(request.POST or None, user=request.user, question=question, initial=question_initial(question))
    if request.method == "POST" and form.is_valid():
        try:
            before = question.current_id
            version = services.question_revise(actor=request.user, question=question, **form.content())
        except DomainError as error:
            _refused(form, error, QUESTION_FIELDS)
        else:
            if version.pk != before:
                messages.success(request, _("原版本已被试卷使用，已保存为第%(n)s版；使用过原版本的答卷不受影响。") % {"n": version.number})
            else:
                messages.success(request, _("已保存试题 %(n)s。") % {"n": question.number})
            return redirect("exams:question", question.pk)
    return render(request, "exams/question_form.html", {
        "form": form, "question": question, "rules": queries.RULES_SHOWN,
        "frozen": question.current is not None and question.current.is_frozen,
    })


@login_required
@require_GET
def question_version(request, pk, number):
    version = queries.version_for(request.user, pk, number)
    return render(request, "exams/question_version.html", {"question": version.question, "version": version})


# --- blueprints and papers ---------------------------------------------------------------------


@login_required
@require_GET
def blueprints(request):
    blueprints = queries.blueprints_visible_to(request.user).order_by("-updated_at", "-pk")
    papers = queries.shared_papers_visible_to(request.user).order_by("-created_at", "-pk")
    return render(request, "exams/blueprints.html", {
        "blueprints": Paginator(blueprints, queries.PAGE_SIZE).get_page(request.GET.get("page")),
        "papers": papers[:50],
        "can_edit": permissions.has(request.user, "exams.edit"),
        "show_hotline": request.user.role == Role.ADMIN,
    })


def _blueprint_formsets(request, blueprint=None, hotline=None):
    """The section and rule formsets, filled from the blueprint or (new) with the year's X2 weights."""
    if blueprint is not None:
        sections = list(blueprint.sections.prefetch_related("rules").order_by("position"))
        section_initial = [{"name": s.name, "kind": s.kind, "weight": num(s.weight * 100)} for s in sections]
        rule_initial = [
            {"section": str(n), "area": r.area, "qtype": r.qtype, "difficulty": r.difficulty or "", "count": r.count, "marks": r.marks}
            for n, s in enumerate(sections, start=1) for r in s.rules.all()
        ]
    else:
        knowledge, skills, _source = queries.x2_weights(hotline, timezone.localdate().year) if hotline else (None, None, "")
        section_initial = [
            {"name": str(SectionKind.KNOWLEDGE.label), "kind": SectionKind.KNOWLEDGE, "weight": num(knowledge * 100) if knowledge else None},
            {"name": str(SectionKind.SKILLS.label), "kind": SectionKind.SKILLS, "weight": num(skills * 100) if skills else None},
        ]
        rule_initial = []
    Sections = formset_factory(SectionForm, extra=EXTRA_SECTIONS, max_num=6, absolute_max=6)
    Rules = formset_factory(RuleForm, extra=EXTRA_RULES, max_num=60, absolute_max=60)
    data = request.POST if request.method == "POST" else None
    section_count = len(section_initial) + EXTRA_SECTIONS
    if data is not None:
        try:
            section_count = max(1, min(6, int(data.get("sections-TOTAL_FORMS", section_count))))
        except ValueError:
            section_count = 1
    sections_fs = Sections(data, prefix="sections", initial=section_initial)
    rules_fs = Rules(data, prefix="rules", initial=rule_initial, form_kwargs={"sections": section_count})
    return sections_fs, rules_fs


def _blueprint_inputs(sections_fs, rules_fs):
    """SectionInputs from the formsets; blank rows are skipped, rules follow their section's number."""
    numbered = {}
    inputs = []
    problems = []
    for index, form in enumerate(sections_fs.forms, start=1):
        if form.is_blank():
            continue
        weight = form.cleaned_data.get("weight")
        inputs.append(services.SectionInput(name=form.cleaned_data.get("name") or "", kind=form.cleaned_data["kind"],
                                            weight=(weight / 100) if weight is not None else None))
        numbered[index] = inputs[-1]
    for form in rules_fs.forms:
        if form.is_blank():
            continue
        data = form.cleaned_data
        section = numbered.get(data.get("section"))
        if section is None:
            problems.append(_("有一条规则所属的部分不存在或为空"))
            continue
        section.rules.append(services.RuleInput(area=data.get("area") or "", qtype=data.get("qtype") or "", count=data.get("count") or 0,
                                                marks=data.get("marks"), difficulty=data.get("difficulty")))
    return inputs, problems


def _blueprint_page(request, *, blueprint=None):
    creating = blueprint is None
    if creating:
        permissions.require(request.user, "exams.edit")
    form = BlueprintForm(request.POST or None, user=request.user, creating=creating,
                         initial={"name": blueprint.name, "kind": blueprint.kind, "description": blueprint.description} if blueprint else None)
    hotline = blueprint.hotline if blueprint else request.user.hotline
    sections_fs, rules_fs = _blueprint_formsets(request, blueprint, hotline)
    if request.method == "POST":
        valid = form.is_valid() & sections_fs.is_valid() & rules_fs.is_valid()
        if valid:
            inputs, problems = _blueprint_inputs(sections_fs, rules_fs)
            for problem in problems:
                form.add_error(None, problem)
            if not problems:
                data = form.cleaned_data
                try:
                    if creating:
                        blueprint = services.blueprint_create(actor=request.user, hotline=_hotline_for_new(request, form), name=data["name"],
                                                              kind=data["kind"], description=data["description"], sections=inputs)
                    else:
                        blueprint = services.blueprint_update(actor=request.user, blueprint=blueprint, name=data["name"], kind=data["kind"],
                                                              description=data["description"], sections=inputs)
                except DomainError as error:
                    _refused(form, error, ("name", "kind"))
                else:
                    messages.success(request, _("已保存组卷蓝图「%(n)s」。") % {"n": blueprint.name})
                    return redirect("exams:blueprint", blueprint.pk)
    year = timezone.localdate().year
    knowledge, skills, source = queries.x2_weights(hotline, year) if hotline else (None, None, "")
    return render(request, "exams/blueprint_form.html", {
        "form": form, "sections_fs": sections_fs, "rules_fs": rules_fs, "blueprint": blueprint,
        "x2": {"knowledge": knowledge, "skills": skills, "source": source, "year": year} if hotline else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def blueprint_create(request):
    return _blueprint_page(request)


@login_required
@require_http_methods(["GET", "POST"])
def blueprint_edit(request, pk):
    blueprint = queries.blueprint_for(request.user, pk)
    permissions.require(request.user, "exams.edit")
    return _blueprint_page(request, blueprint=blueprint)


def _blueprint_detail(request, blueprint, *, materialise_form=None, refusal=None):
    sections = list(blueprint.sections.prefetch_related("rules").order_by("position"))
    for section in sections:
        section.rule_list = list(section.rules.all())
        section.total = sum((r.count * r.marks for r in section.rule_list), start=0)
    return render(request, "exams/blueprint_detail.html", {
        "blueprint": blueprint, "sections": sections,
        "shortages": [s.message() for s in queries.blueprint_shortages(blueprint)],
        "papers": blueprint.papers.filter(mode=PaperMode.SHARED).order_by("-created_at")[:20],
        "can_edit": services.can_manage(request.user, blueprint.hotline),
        "materialise_form": materialise_form or MaterialiseForm(), "refusal": refusal,
    }, status=400 if refusal else 200)


@login_required
@require_GET
def blueprint_detail(request, pk):
    return _blueprint_detail(request, queries.blueprint_for(request.user, pk))


@login_required
@require_POST
def blueprint_materialise(request, pk):
    blueprint = queries.blueprint_for(request.user, pk)
    form = MaterialiseForm(request.POST)
    if form.is_valid():
        try:
            paper = services.paper_materialise(actor=request.user, blueprint=blueprint, title=form.cleaned_data["title"])
        except DomainError as error:
            if isinstance(error, (Forbidden, NotFound)):
                raise
            return _blueprint_detail(request, blueprint, materialise_form=form, refusal=error)
        messages.success(request, _("已生成试卷「%(t)s」，共 %(n)s 题。") % {"t": paper.title, "n": paper.items.count()})
        return redirect("exams:paper", paper.pk)
    return _blueprint_detail(request, blueprint, materialise_form=form)


@login_required
@require_GET
def paper_detail(request, pk):
    paper = queries.paper_for(request.user, pk)
    items = queries.paper_items(paper)
    from stardesk.exams.question_content import answer_text

    for item in items:
        item.key_text = answer_text(item.version.question.qtype, item.version.answer)
    return render(request, "exams/paper_detail.html", {"paper": paper, "items": items, "sections": paper.sections.order_by("position")})


# --- sittings -------------------------------------------------------------------------------------


@login_required
@require_GET
def sittings(request):
    sittings = queries.sitting_list(request.user)
    return render(request, "exams/sittings.html", {
        "page_obj": Paginator(sittings, queries.PAGE_SIZE).get_page(request.GET.get("page")),
        "can_edit": permissions.has(request.user, "exams.edit"),
        "show_hotline": request.user.role == Role.ADMIN,
    })


def _sitting_initial(sitting=None):
    if sitting is None:
        start = timezone.localtime().replace(second=0, microsecond=0) + timezone.timedelta(hours=1)
        return {"opens_at": start, "closes_at": start + timezone.timedelta(hours=3), "time_limit_minutes": 90, "grace_seconds": 60}
    return {name: getattr(sitting, name) for name in services.SITTING_FIELDS} | {
        "opens_at": timezone.localtime(sitting.opens_at), "closes_at": timezone.localtime(sitting.closes_at)}


SITTING_ERROR_FIELDS = set(services.SITTING_FIELDS)


@login_required
@require_http_methods(["GET", "POST"])
def sitting_create(request):
    permissions.require(request.user, "exams.edit")
    form = SittingForm(request.POST or None, user=request.user, initial=_sitting_initial())
    if request.method == "POST" and form.is_valid():
        try:
            sitting = services.sitting_create(actor=request.user, hotline=_hotline_for_new(request, form), **form.values())
        except DomainError as error:
            _refused(form, error, SITTING_ERROR_FIELDS)
        else:
            messages.success(request, _("已新建考试场次「%(n)s」，请邀请考生后开放。") % {"n": sitting.name})
            return redirect("exams:sitting", sitting.pk)
    return render(request, "exams/sitting_form.html", {"form": form, "sitting": None})


@login_required
@require_http_methods(["GET", "POST"])
def sitting_edit(request, pk):
    sitting = queries.sitting_for(request.user, pk)
    permissions.require(request.user, "exams.edit")
    form = SittingForm(request.POST or None, user=request.user, hotline=sitting.hotline, initial=_sitting_initial(sitting))
    if sitting.status != SittingStatus.DRAFT:
        for name, field in form.fields.items():
            field.disabled = name != "closes_at"
    if request.method == "POST" and form.is_valid():
        try:
            services.sitting_update(actor=request.user, sitting=sitting, **form.values())
        except DomainError as error:
            _refused(form, error, SITTING_ERROR_FIELDS)
        else:
            messages.success(request, _("已保存考试场次。"))
            return redirect("exams:sitting", sitting.pk)
    return render(request, "exams/sitting_form.html", {"form": form, "sitting": sitting})


def _sitting_page(request, sitting, *, invite_form=None, status=200):
    q = request.GET.get("q", "").strip()[:50]
    state = request.GET.get("state", "")
    state = state if state in queries.CANDIDATE_STATES else ""
    page = Paginator(queries.sitting_invitations(sitting, q=q, state=state), queries.CANDIDATES_PER_PAGE).get_page(request.GET.get("page"))
    for invitation in page:
        invitation.the_attempt = getattr(invitation, "attempt", None)
    return render(request, "exams/sitting_detail.html", {
        "sitting": sitting, "page_obj": page, "progress": queries.sitting_progress(sitting), "q": q, "state": state,
        "can_edit": services.can_manage(request.user, sitting.hotline),
        "invite_form": invite_form or InviteForm(initial={"how": InvitedHow.EVERYONE if sitting.kind == SittingKind.JUNE else InvitedHow.LEVEL}),
        "inviting": sitting.status in (SittingStatus.DRAFT, SittingStatus.OPEN),
        "now": timezone.now(),
    }, status=status)


@login_required
@require_GET
def sitting_detail(request, pk):
    return _sitting_page(request, queries.sitting_for(request.user, pk))


@login_required
@require_POST
def sitting_invite(request, pk):
    sitting = queries.sitting_for(request.user, pk)
    permissions.require(request.user, "exams.edit")
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _sitting_page(request, sitting, invite_form=form, status=400)
    how = form.cleaned_data["how"]
    try:
        if how == InvitedHow.EVERYONE:
            fresh = services.invite_everyone(actor=request.user, sitting=sitting)
        elif how == InvitedHow.LEVEL:
            fresh = services.invite_by_level(actor=request.user, sitting=sitting, level=int(form.cleaned_data["level"]))
        else:
            numbers = form.cleaned_data["staff_no_list"]
            people = list(Person.objects.filter(hotline=sitting.hotline, staff_no__in=numbers))
            unknown = sorted(set(numbers) - {p.staff_no for p in people})
            if unknown:
                raise DomainError("invite_not_allowed", _("这些工号不在本热线的花名册中：%(n)s。未邀请任何人。") % {"n": "、".join(unknown)})
            fresh = services.invite_people(actor=request.user, sitting=sitting, people=people, how=InvitedHow.HAND)
    except DomainError as error:
        _refused(form, error, ("staff_nos", "level"))
        return _sitting_page(request, sitting, invite_form=form, status=400)
    messages.success(request, _("已邀请 %(n)s 人。") % {"n": len(fresh)} if fresh else _("没有新的人员需要邀请（均已邀请）。"))
    return redirect("exams:sitting", sitting.pk)


@login_required
@require_POST
def sitting_uninvite(request, pk, invitation_pk):
    sitting = queries.sitting_for(request.user, pk)
    invitation = sitting.invitations.filter(pk=invitation_pk).select_related("sitting", "person").first()
    if invitation is None:
        raise Http404
    services.invite_withdraw(actor=request.user, invitation=invitation)
    messages.success(request, _("已取消 %(p)s 的考试邀请。") % {"p": invitation.person})
    return redirect("exams:sitting", sitting.pk)


@login_required
@require_POST
def sitting_open(request, pk):
    sitting = queries.sitting_for(request.user, pk)
    services.sitting_open(actor=request.user, sitting=sitting)
    messages.success(request, _("场次已开放，受邀人员可以开始答卷。"))
    return redirect("exams:sitting", sitting.pk)


@login_required
@require_POST
def sitting_close(request, pk):
    sitting = queries.sitting_for(request.user, pk)
    services.sitting_close(actor=request.user, sitting=sitting)
    messages.success(request, _("场次已关闭，未交卷的答卷已收卷。"))
    return redirect("exams:sitting", sitting.pk)


# --- my exams and attempts --------------------------------------------------------------------


@login_required
@require_GET
def mine(request):
    invitations = queries.my_invitations(request.user)
    now = timezone.now()
    for invitation in invitations:
        invitation.the_attempt = getattr(invitation, "attempt", None)
        sitting = invitation.sitting
        invitation.can_start = (invitation.the_attempt is None and sitting.status == SittingStatus.OPEN
                                and sitting.opens_at <= now < sitting.closes_at)
    return render(request, "exams/mine.html", {"invitations": invitations, "has_person": request.user.person_id is not None, "now": now})


@login_required
@require_http_methods(["GET", "POST"])
def invitation_start(request, pk):
    invitation = queries.invitation_for_sitter(request.user, pk)
    existing = getattr(invitation, "attempt", None)
    if existing is not None:
        return redirect("exams:attempt", existing.pk)
    if request.method == "POST":
        attempt = services.attempt_start(actor=request.user, invitation=invitation)
        return redirect("exams:attempt", attempt.pk)
    return render(request, "exams/start.html", {"invitation": invitation, "sitting": invitation.sitting, "rules": queries.RULES_SHOWN})


def _no_store(response):
    # An exam page is never served from the browser's cache: a reload always shows what the server holds.
    add_never_cache_headers(response)
    return response


def _exam_texts() -> dict:
    """The words the exam page's script shows."""
    return {
        "answered": _("已答 %(n)s / %(total)s 题"),
        "offline": _("%(n)s 题未保存，网络恢复后自动重试"),
        "saving": _("保存中…"),
        "editing": _("正在输入…"),
        "all_saved": _("答案已全部保存"),
        "saved_at": _("已保存 %(t)s"),
        "not_saved": _("未保存，正在重试…"),
        "time_up": _("时间到，正在交卷…"),
        "handing_in": _("正在交卷…"),
        "uploading": _("正在上传…"),
        "uploaded": _("已上传录音"),
        "confirm": _("确定交卷？交卷后不能再修改。"),
        "confirm_unanswered": _("还有 %(n)s 题未作答，确定交卷？交卷后不能再修改。"),
    }


@login_required
@require_GET
def attempt_detail(request, pk):
    attempt = queries.attempt_for(request.user, pk)
    own = queries.is_own(request.user, attempt)
    if own and attempt.status == AttemptStatus.IN_PROGRESS:
        items = queries.attempt_items(attempt, show_key=False)
        return _no_store(render(request, "exams/attempt.html", {
            "attempt": attempt, "sitting": attempt.sitting, "items": items,
            "remaining": attempt.remaining_seconds(), "rules": queries.RULES_SHOWN, "messages_for_js": _exam_texts(),
        }))
    show_key = queries.key_visible(request.user, attempt)
    items = queries.attempt_items(attempt, show_key=show_key)
    focus_events = list(attempt.focus_events.all()) if not own else []
    return _no_store(render(request, "exams/attempt_review.html", {
        "attempt": attempt, "sitting": attempt.sitting, "items": items, "show_key": show_key, "own": own,
        "focus_events": focus_events,
    }))


def _json_refusal(error: DomainError) -> JsonResponse:
    body = {"code": error.code, "detail": error.message}
    if error.details:
        body["errors"] = error.details
    return JsonResponse(body, status=error.status)


def _json_attempt(request, pk):
    """The attempt for a JSON endpoint; somebody else's is 404 as JSON."""
    try:
        attempt = queries.attempt_for(request.user, pk)
    except NotFound as error:
        return None, _json_refusal(error)
    if not queries.is_own(request.user, attempt):
        return None, _json_refusal(NotFound())
    return attempt, None


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        raise DomainError("answer_invalid") from None


@login_required
@require_POST
def attempt_answer(request, pk, item_pk):
    """Save one answer (fetch/htmx POST per answer): JSON {saved_at, remaining_seconds}."""
    attempt, refusal = _json_attempt(request, pk)
    if refusal:
        return refusal
    try:
        answer = services.answer_save(
            actor=request.user, attempt=attempt, item_id=item_pk, values=request.POST.getlist("value"),
            keystrokes=_int_or_none(request.POST.get("keystrokes")), typing_seconds=_int_or_none(request.POST.get("seconds")),
        )
    except DomainError as error:
        if error.code == "attempt_time_over":
            services.attempt_close_if_expired(attempt)
        return _json_refusal(error)
    response = JsonResponse({
        "saved": True, "item": item_pk, "saved_at": timezone.localtime(answer.saved_at).strftime("%H:%M:%S"),
        "remaining_seconds": answer.attempt.remaining_seconds(),
    })
    return _no_store(response)


@login_required
@require_POST
def attempt_audio(request, pk, item_pk):
    attempt, refusal = _json_attempt(request, pk)
    if refusal:
        return refusal
    upload = request.FILES.get("audio")
    if upload is None:
        return _json_refusal(DomainError("audio_invalid"))
    try:
        answer = services.answer_audio_save(actor=request.user, attempt=attempt, item_id=item_pk, file=upload)
    except DomainError as error:
        return _json_refusal(error)
    return JsonResponse({"saved": True, "item": item_pk, "saved_at": timezone.localtime(answer.saved_at).strftime("%H:%M:%S"),
                         "remaining_seconds": attempt.remaining_seconds()})


@login_required
@require_POST
def attempt_focus(request, pk):
    attempt, refusal = _json_attempt(request, pk)
    if refusal:
        return refusal
    try:
        event = services.focus_event_log(actor=request.user, attempt=attempt, kind=request.POST.get("kind", ""))
    except DomainError as error:
        return _json_refusal(error)
    return JsonResponse({"logged": event is not None})


@login_required
@require_GET
def attempt_state(request, pk):
    """The server's view of a running attempt: remaining seconds and saved answers (never the key)."""
    attempt, refusal = _json_attempt(request, pk)
    if refusal:
        return refusal
    return _no_store(JsonResponse(queries.attempt_state(attempt)))


@login_required
@require_POST
def attempt_submit(request, pk):
    attempt = queries.attempt_for(request.user, pk)
    if not queries.is_own(request.user, attempt):
        raise NotFound()
    ended_by = EndedBy.TIMER if request.POST.get("how") == "timer" else EndedBy.AGENT
    attempt = services.attempt_submit(actor=request.user, attempt=attempt, ended_by=ended_by)
    done = {EndedBy.AGENT: _("已交卷。"), EndedBy.TIMER: _("答题时间到，已自动交卷。")}
    messages.success(request, done.get(attempt.ended_by, _("答题时间已过，系统已收卷。")))
    return redirect("exams:attempt", attempt.pk)


@login_required
@require_GET
def answer_audio_file(request, pk, item_pk):
    attempt = queries.attempt_for(request.user, pk)
    answer = attempt.answers.filter(item_id=item_pk).first()
    if answer is None or not answer.audio:
        raise Http404
    response = FileResponse(answer.audio.open("rb"), as_attachment=False)
    return _no_store(response)

