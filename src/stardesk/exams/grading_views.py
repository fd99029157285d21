"""Grading pages: the examiners' queue by candidate or by question (optionally anonymous), and scoring an answer."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stardesk.accounts import permissions
from stardesk.core.errors import DomainError, Forbidden, NotFound
from stardesk.exams import grading, grading_queue, regrading
from stardesk.exams.grading_forms import AnonymityForm, CorrectionForm, GradeForm, LanguageForm, TypingForm
from stardesk.exams.models import Answer, QuestionType
from stardesk.exams.services import can_manage

FORM_FIELDS = {"score", "comment", "characters", "errors", "keystrokes", "seconds", "target_speed", "rubric"}


@login_required
@require_GET
def grading_index(request):
    sittings = grading_queue.sittings_to_grade(request.user)
    return render(request, "exams/grading/index.html", {"sittings": sittings})


@login_required
@require_GET
def grading_sitting(request, pk):
    sitting = grading_queue.sitting_for(request.user, pk)
    by = "question" if request.GET.get("by") == "question" else "person"
    context = {
        "sitting": sitting, "by": by,
        "can_manage": can_manage(request.user, sitting.hotline),
        "anonymity_form": AnonymityForm(initial={"anonymous": sitting.anonymous_grading}),
    }
    if by == "question":
        context["questions"] = grading_queue.questions(sitting)
    else:
        context["candidates"] = grading_queue.candidates(sitting)
    return render(request, "exams/grading/sitting.html", context)


@login_required
@require_POST
def grading_anonymity(request, pk):
    sitting = grading_queue.sitting_for(request.user, pk)
    form = AnonymityForm(request.POST)
    form.is_valid()
    updated = grading.grading_anonymity_set(actor=request.user, sitting=sitting, anonymous=form.cleaned_data.get("anonymous", False))
    messages.success(request, _("已开启匿名阅卷：阅卷页面只显示考生编号。") if updated.anonymous_grading
                     else _("已关闭匿名阅卷：阅卷页面显示考生工号和姓名。"))
    return redirect("exams:grading_sitting", sitting.pk)


def _forms_for(item, posted=None, sitting=None, target_speed=None):
    """The forms offered for one answer; ``posted`` = (answer id, bound form) re-shows a refused submission."""
    prefix = f"a{item.answer.pk}"
    if posted and posted[0] == item.answer.pk:
        bound = posted[1]
    else:
        bound = None
    forms = {}
    if item.released:
        # After the release a grade changes only through a regrade: the correction form (score and reason).
        forms["correct"] = bound if bound is not None and bound.kind == "correct" else CorrectionForm(prefix=prefix, marks=item.marks)
        return forms
    forms["plain"] = bound if bound is not None and bound.kind == "plain" else GradeForm(prefix=prefix, marks=item.marks)
    if item.qtype == QuestionType.TYPING:
        answer = item.answer
        latest = item.latest.parts if item.latest and item.latest.parts.get("kind") == "typing" else {}
        initial = {
            "characters": latest.get("characters", answer.typed_characters),
            "errors": latest.get("errors", answer.typing_errors),
            "keystrokes": latest.get("keystrokes", answer.keystrokes),
            "seconds": latest.get("seconds", answer.typing_seconds),
            "target_speed": latest.get("target_speed", target_speed),
        }
        forms["typing"] = bound if bound is not None and bound.kind == "typing" else TypingForm(prefix=prefix, initial=initial)
    if item.qtype == QuestionType.SPEAKING:
        forms["language"] = bound if bound is not None and bound.kind == "language" else LanguageForm(prefix=prefix)
    return forms


def _bind(request, item):
    """The form of the kind posted for ``item``, bound to the request."""
    kind = request.POST.get("kind", "plain")
    prefix = f"a{item.answer.pk}"
    if item.released:
        return CorrectionForm(request.POST, prefix=prefix, marks=item.marks)
    if kind == "typing" and item.qtype == QuestionType.TYPING:
        return TypingForm(request.POST, prefix=prefix)
    if kind == "language" and item.qtype == QuestionType.SPEAKING:
        return LanguageForm(request.POST, prefix=prefix)
    return GradeForm(request.POST, prefix=prefix, marks=item.marks)


def _save(request, item, form):
    """Call the service for a valid form; a refusal lands on the form's fields.

    Returns what was saved (a Grade, or a grade correction's RegradeDryRun), None when refused."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        if form.kind == "correct":
            return regrading.grade_correction_dry_run(actor=request.user, answer=item.answer, score=data["score"], reason=data["reason"])
        if form.kind == "typing":
            return grading.skills_score_record(actor=request.user, answer=item.answer, kind="typing", comment=data.get("comment", ""),
                                               characters=data["characters"], errors=data["errors"], keystrokes=data.get("keystrokes"),
                                               seconds=data["seconds"], target_speed=data["target_speed"])
        if form.kind == "language":
            return grading.skills_score_record(actor=request.user, answer=item.answer, kind="language", comment=data.get("comment", ""),
                                               rubric=data["rubric"], values=form.values())
        return grading.grade_record(actor=request.user, answer=item.answer, score=data["score"], comment=data.get("comment", ""))
    except DomainError as error:
        if isinstance(error, (Forbidden, NotFound)):
            raise
        placed = False
        for detail in error.details:
            if isinstance(detail, dict):
                name = detail.get("field")
                if form.kind == "language" and name and f"{data.get('rubric')}_{name}" in form.fields:
                    name = f"{data.get('rubric')}_{name}"
                form.add_error(name if name in form.fields else None, detail.get("message"))
                placed = True
        if not placed:
            form.add_error(None, error.message)
        return None


def _grading_page(request, sitting, items, template, context, back):
    target_speed = grading_queue.last_target_speed(sitting)
    posted = None
    status = 200
    if request.method == "POST":
        permissions.require(request.user, "exams.grade")
        try:
            answer_pk = int(request.POST.get("answer", ""))
        except ValueError:
            raise Http404 from None
        item = next((i for i in items if i.answer.pk == answer_pk), None)
        if item is None:
            raise Http404
        form = _bind(request, item)
        saved = _save(request, item, form)
        if saved is not None and form.kind == "correct":
            messages.info(request, _("已试算 %(who)s 的评分更正：请核对以下变化后确认执行。") % {"who": item.shown_name})
            return redirect("exams:results_dry_run", sitting.pk, saved.pk)
        if saved is not None:
            messages.success(request, _("已保存 %(who)s 的评分。") % {"who": item.shown_name})
            return redirect(f"{back}#answer-{answer_pk}")
        posted = (answer_pk, form)
        status = 400
    for item in items:
        item.forms = _forms_for(item, posted, sitting, target_speed)
    response = render(request, template, {**context, "sitting": sitting, "items": items, "rules": grading_queue.RULES}, status=status)
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def grading_candidate(request, pk, code):
    sitting = grading_queue.sitting_for(request.user, pk)
    attempt, items = grading_queue.candidate_items(sitting, code)
    codes = sorted(grading_queue.candidate_codes(sitting).values())
    index = codes.index(code)
    context = {
        "attempt": attempt, "code": code,
        "shown_name": grading_queue.candidate_label(code) if sitting.anonymous_grading else f"{attempt.person.staff_no} {attempt.person.name}",
        "previous": codes[index - 1] if index > 0 else None, "next": codes[index + 1] if index + 1 < len(codes) else None,
        "focus_losses": attempt.focus_losses,
    }
    back = reverse("exams:grading_candidate", args=[sitting.pk, code])
    return _grading_page(request, sitting, items, "exams/grading/candidate.html", context, back)


@login_required
@require_http_methods(["GET", "POST"])
def grading_question(request, pk, version_pk):
    sitting = grading_queue.sitting_for(request.user, pk)
    version, items = grading_queue.question_items(sitting, version_pk)
    back = reverse("exams:grading_question", args=[sitting.pk, version.pk])
    return _grading_page(request, sitting, items, "exams/grading/question.html", {"version": version}, back)


@login_required
@require_GET
def grading_audio(request, answer_pk):
    """A spoken answer, played on the grading page (no attempt id in the address: anonymous mode stays anonymous)."""
    answer: Answer = grading_queue.answer_for(request.user, answer_pk)
    if not answer.audio:
        raise Http404
    response = FileResponse(answer.audio.open("rb"), as_attachment=False)
    add_never_cache_headers(response)
    return response
