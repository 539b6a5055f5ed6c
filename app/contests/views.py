"""Contest configuration pages (/organize/contests/): list, new, copy, settings, groups, round weights."""

from decimal import Decimal
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import decimals, rules
from app.contests import services
from app.contests.forms import CopyContestForm, GroupForm, NewContestForm, RenameForm, SettingsForm
from app.contests.models import Contest
from app.contests.round_views import rounds_bp
from app.errors import DomainError
from app.security import access

bp = Blueprint("contests", __name__, url_prefix="/organize/contests")
bp.register_blueprint(rounds_bp)


def may_change() -> bool:
    """City organizers change the configuration; county organizers only read it."""
    return rules.can_change_setup(current_user)


def page(template: str, contest: Contest, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, contest=contest, may_change=may_change(), **context), status


@bp.get("/")
@access("organizer")
def contest_list() -> str:
    return render_template("contests/list.html", rows=services.list_contests(), may_change=may_change())


@bp.route("/new", methods=["GET", "POST"])
@access("organizer", city_only=True)
def contest_new() -> Any:
    form = NewContestForm()
    if form.validate_on_submit():
        try:
            contest = services.create_contest(current_user, form.year.data or 0, form.name.data or "")
        except DomainError as error:
            flash(error.message, "danger")
        else:
            flash(f"已创建“{contest.name}”，请设置组别、轮次权重和评分指标。", "success")
            return redirect(url_for("contests.contest_settings", contest_id=contest.id))
    return render_template("contests/new.html", form=form, copying=False)


@bp.route("/copy", methods=["GET", "POST"])
@access("organizer", city_only=True)
def contest_copy() -> Any:
    form = CopyContestForm()
    rows = services.list_contests()
    form.source_id.choices = [(r.contest.id, f"{r.contest.year} 年度 · {r.contest.name}") for r in rows]
    if request.method == "GET" and rows:
        last = rows[0].contest
        form.year.data = last.year + 1
        form.name.data = last.name.replace(str(last.year), str(last.year + 1))
    if form.validate_on_submit():
        try:
            contest = services.copy_contest(current_user, form.source_id.data or 0, form.year.data or 0,
                                            form.name.data or "")
        except DomainError as error:
            flash(error.message, "danger")
        else:
            flash(f"已复制为“{contest.name}”：组别、轮次、评分指标和规则已复制，参赛人、评委和评分不复制。", "success")
            return redirect(url_for("contests.contest_settings", contest_id=contest.id))
    return render_template("contests/new.html", form=form, copying=True, has_source=bool(rows))


def _settings_form(contest: Contest, formdata: bool) -> SettingsForm:
    form = SettingsForm() if formdata else SettingsForm(formdata=None, obj=contest)
    form.set_rounds([(r.code, r.name) for r in contest.rounds])
    if not formdata:
        for field, code in zip((form.tie_1, form.tie_2, form.tie_3), [*contest.tie_break, "", "", ""], strict=False):
            field.data = code
    return form


@bp.get("/<int:contest_id>/")
@access("organizer")
def contest_settings(contest_id: int) -> tuple[str, int]:
    contest = services.get_contest(contest_id)
    return page("contests/settings.html", contest, form=_settings_form(contest, formdata=False))


@bp.post("/<int:contest_id>/")
@access("organizer", city_only=True)
def contest_settings_save(contest_id: int) -> Any:
    contest = services.get_contest(contest_id)
    form = _settings_form(contest, formdata=True)
    if form.validate_on_submit():
        data = services.ContestSettings(
            name=form.name.data or "", year=form.year.data or 0, status=form.status.data or "",
            places=form.places.data if form.places.data is not None else -1, absent_round=form.absent_round.data or "",
            ranking=form.ranking.data or "", tie_break=form.tie_break())
        try:
            services.update_settings(current_user, contest.id, data)
        except DomainError as error:
            flash(error.message, "danger")
        else:
            flash("基本设置已保存。", "success")
            return redirect(url_for("contests.contest_settings", contest_id=contest.id))
    return page("contests/settings.html", contest, 400, form=form)


def _group_form(contest: Contest, formdata: bool = True) -> GroupForm:
    form = GroupForm() if formdata else GroupForm(formdata=None)
    form.parent_id.choices = [("", "（无，作为排名组别）")] + [
        (str(g.id), g.name) for g in contest.groups if g.parent_id is None]
    return form


def _groups_page(contest: Contest, form: GroupForm | None = None, status: int = 200) -> tuple[str, int]:
    top = [g for g in contest.groups if g.parent_id is None]
    children = {g.id: [c for c in contest.groups if c.parent_id == g.id] for g in top}
    return page("contests/groups.html", contest, status, top=top, children=children,
                in_use={gid: f"{n} 名参赛人" for gid, n in services.entries_by_group(contest.id).items()},
                form=form or _group_form(contest, formdata=False), rename=RenameForm(formdata=None))


@bp.get("/<int:contest_id>/groups")
@access("organizer")
def groups(contest_id: int) -> tuple[str, int]:
    return _groups_page(services.get_contest(contest_id))


@bp.post("/<int:contest_id>/groups")
@access("organizer", city_only=True)
def group_add(contest_id: int) -> Any:
    contest = services.get_contest(contest_id)
    form = _group_form(contest)
    if form.validate_on_submit():
        try:
            group = services.add_group(current_user, contest.id, form.name.data or "",
                                       int(form.parent_id.data) if form.parent_id.data else None)
        except DomainError as error:
            flash(error.message, "danger")
        else:
            flash(f"已添加组别“{group.name}”。", "success")
            return redirect(url_for("contests.groups", contest_id=contest.id))
    return _groups_page(contest, form, 400)


@bp.post("/groups/<int:group_id>/rename")
@access("organizer", city_only=True)
def group_rename(group_id: int) -> Any:
    group = services.get_group(group_id)
    form = RenameForm()
    if not form.validate_on_submit():
        flash("组别名称：" + "；".join(form.name.errors or ["请刷新页面后重试"]), "danger")
        return _groups_page(group.contest, status=400)
    try:
        services.rename_group(current_user, group.id, form.name.data or "")
    except DomainError as error:
        flash(error.message, "danger")
        return _groups_page(group.contest, status=400)
    flash("组别名称已保存。", "success")
    return redirect(url_for("contests.groups", contest_id=group.contest_id))


@bp.post("/groups/<int:group_id>/remove")
@access("organizer", city_only=True)
def group_remove(group_id: int) -> Any:
    group = services.get_group(group_id)
    try:
        contest = services.remove_group(current_user, group.id)
    except DomainError as error:
        flash(error.message, "danger")
        return _groups_page(group.contest, status=400)
    flash("组别已删除。", "success")
    return redirect(url_for("contests.groups", contest_id=contest.id))


def _rounds_page(contest: Contest, values: dict[int, str] | None = None, status: int = 200) -> tuple[str, int]:
    shown = values or {r.id: services.plain(r.weight) for r in contest.rounds}
    try:
        total = services.plain(sum((decimals.parse(v, decimals.WEIGHT) for v in shown.values()), Decimal(0)))
    except ValueError:
        total = "—"
    return page("contests/rounds.html", contest, status, values=shown, total=total, plain=services.plain,
                locked={r.id: services.round_is_locked(r.id) for r in contest.rounds})


@bp.get("/<int:contest_id>/rounds")
@access("organizer")
def rounds(contest_id: int) -> tuple[str, int]:
    return _rounds_page(services.get_contest(contest_id))


@bp.post("/<int:contest_id>/rounds")
@access("organizer", city_only=True)
def weights_save(contest_id: int) -> Any:
    contest = services.get_contest(contest_id)
    values = {r.id: request.form.get(f"weight-{r.id}", "").strip() for r in contest.rounds}
    try:
        weights = {}
        for rnd in contest.rounds:
            try:
                weights[rnd.id] = decimals.parse(values[rnd.id], decimals.WEIGHT)
            except ValueError as error:
                raise DomainError(f"“{rnd.name}”的权重{error}") from None
        services.set_weights(current_user, contest.id, weights)
    except DomainError as error:
        flash(error.message, "danger")
        return _rounds_page(contest, values, 400)
    flash("轮次权重已保存。", "success")
    return redirect(url_for("contests.rounds", contest_id=contest.id))
