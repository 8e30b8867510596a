"""The policy admin's test cases: named scenarios with an expected outcome, run against drafts."""

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.roles import POLICY_ADMIN, role_required
from policy.forms import ScenarioForm, ScenarioImportForm
from policy.scenarios import (
    ScenarioError,
    policy_scenario_delete,
    policy_scenario_results,
    policy_scenario_save,
    policy_scenarios_export,
    policy_scenarios_import,
)
from policy.selectors import policy_get, policy_scenario_list, policy_version_get

MAX_IMPORT_BYTES = 1_000_000


@role_required(POLICY_ADMIN)
@require_http_methods(["GET"])
def scenario_list(request: HttpRequest) -> HttpResponse:
    policy = policy_get()
    return render(
        request,
        "policy/scenario_list.html",
        {"scenarios": policy_scenario_list(policy=policy), "import_form": ScenarioImportForm()},
    )


@role_required(POLICY_ADMIN)
@require_http_methods(["GET", "POST"])
def scenario_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    policy = policy_get()
    scenario = get_object_or_404(policy.scenarios, pk=pk) if pk else None
    initial = {}
    if scenario is not None:
        initial = {
            "name": scenario.name,
            "answers": json.dumps(scenario.answers, indent=2),
            "expected_outcome": scenario.expected_outcome,
        }
    form = ScenarioForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            answers = json.loads(data["answers"])
        except json.JSONDecodeError as error:
            form.add_error("answers", f"The answers are not valid JSON ({error.msg})")
        else:
            try:
                policy_scenario_save(
                    policy=policy,
                    user=request.user,
                    scenario=scenario,
                    data={**data, "answers": answers},
                )
            except ScenarioError as error:
                for problem in error.problems:
                    field = "answers" if ": answers" in problem else None
                    if "already exists" in problem:
                        field = "name"
                    form.add_error(field, problem)
            else:
                messages.success(request, f"Test case '{data['name']}' saved.")
                return redirect("policy:scenarios")
    return render(
        request,
        "policy/scenario_edit.html",
        {"form": form, "scenario": scenario},
        status=400 if form.errors else 200,
    )


@role_required(POLICY_ADMIN)
@require_POST
def scenario_delete(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(policy_get().scenarios, pk=pk)
    policy_scenario_delete(scenario=scenario)
    messages.success(request, f"Test case '{scenario.name}' deleted.")
    return redirect("policy:scenarios")


@role_required(POLICY_ADMIN)
@require_POST
def scenario_import(request: HttpRequest) -> HttpResponse:
    policy = policy_get()
    form = ScenarioImportForm(request.POST, request.FILES)
    problems: list[str] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            problems = ["The file is larger than 1 MB"]
        else:
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                problems = ["The file is not UTF-8 text"]
            else:
                try:
                    added, updated = policy_scenarios_import(
                        policy=policy, user=request.user, text=text
                    )
                except ScenarioError as error:
                    problems = error.problems
                else:
                    messages.success(
                        request, f"Imported test cases: {added} added, {updated} updated."
                    )
                    return redirect("policy:scenarios")
    for problem in problems:
        form.add_error("file", problem)
    return render(
        request,
        "policy/scenario_list.html",
        {"scenarios": policy_scenario_list(policy=policy), "import_form": form},
        status=400,
    )


@role_required(POLICY_ADMIN)
@require_http_methods(["GET"])
def scenario_export(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(
        policy_scenarios_export(policy=policy_get()), safe=False, json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="policy-test-cases.json"'
    return response


@role_required(POLICY_ADMIN)
@require_http_methods(["GET"])
def draft_results(request: HttpRequest, pk: int) -> HttpResponse:
    version = policy_version_get(pk=pk)
    return render(
        request,
        "policy/draft_scenarios.html",
        {"version": version, "results": policy_scenario_results(version)},
    )
