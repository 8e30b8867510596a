"""The words a GP reads that are not policy quotes, held by each policy version and frozen with it.

A version stores them in `PolicyVersion.wording`. Versions published before that field existed
are frozen and cannot gain it, so they read the seed wording (policy/seed/wording_v1.json), which
is recorded here as their wording; an admin changes it by starting a draft (ADR 0070).
"""

import copy
import functools
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from django.db import transaction

from policy import engine
from policy.models import PolicyEditEvent, PolicyVersion

SEED_DIR = Path(__file__).resolve().parent / "seed"
WORDING_SEED_PATH = SEED_DIR / "wording_v1.json"
QUESTIONS_SEED_PATH = SEED_DIR / "questions_v1.json"

RULE_LEAD_IN_CODES = engine.RULE_CODES
OUTCOME_PARTS = (
    ("headline", "headline"),
    ("summary", "summary"),
    ("next_steps", "what to do next"),
)
VARIANT_PARTS = (("summary", "summary"), ("next_steps", "what to do next"))
# Texts shown as Markdown (lists), sanitised by policy.markdown; every other text is escaped.
MARKDOWN_KEYS = frozenset({"next_steps", "before_you_start"})


@functools.cache
def _seed(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def seed_wording() -> dict:
    """A private copy of the seed wording, for version 1 and for versions that predate wording."""
    return copy.deepcopy(_seed(WORDING_SEED_PATH))


def wording_with_seed_defaults(wording: dict) -> dict:
    """`wording` with every text the seed has and it lacks added (a copy). A text moved into the
    wording after a version was frozen reads, for that version, the words the service showed
    before the move, which are the seed's; nothing the version has is changed."""
    merged = copy.deepcopy(wording)

    def fill(target: dict, seed: dict) -> None:
        for key, value in seed.items():
            if key not in target:
                target[key] = copy.deepcopy(value)
            elif isinstance(value, dict) and isinstance(target[key], dict):
                fill(target[key], value)

    fill(merged, _seed(WORDING_SEED_PATH))
    return merged


def read_only(value):
    """A deep read-only view of JSON-shaped data: dicts become mappingproxies, lists tuples."""
    if isinstance(value, dict):
        return MappingProxyType({key: read_only(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(read_only(item) for item in value)
    return value


def editable_copy(value):
    """Plain dicts and lists again, for wording that is to be changed or stored."""
    if isinstance(value, Mapping):
        return {key: editable_copy(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [editable_copy(item) for item in value]
    return value


# Published versions never change (trigger published_version_immutable), so what they show is
# worked out once per process; the key also holds the content hash and publication time, as
# policy.selectors.policy_version_whole's does. Drafts are worked out on every call.
_SHOWN_SIZE = 64
_shown: dict[tuple, Mapping] = {}
_shown_lock = threading.Lock()


def _shown_once(kind: str, version: PolicyVersion, work_out: Callable[[], dict]) -> Mapping:
    if version.status != PolicyVersion.Status.PUBLISHED or not version.content_hash:
        return read_only(work_out())
    key = (kind, version.pk, version.content_hash, version.published_at)
    shown = _shown.get(key)
    if shown is None:
        shown = read_only(work_out())
        with _shown_lock:
            if len(_shown) >= _SHOWN_SIZE:
                _shown.clear()
            _shown[key] = shown
    return shown


def version_wording(version: PolicyVersion) -> Mapping:
    """The wording a version shows, read-only: its own (with any text added to the service
    since it was frozen read from the seed), or the seed wording recorded for older versions.
    editable_copy() gives a copy to change."""

    def work_out() -> dict:
        if not version.wording:
            return seed_wording()
        return wording_with_seed_defaults(version.wording)

    return _shown_once("wording", version, work_out)


def version_questions(version: PolicyVersion) -> Mapping:
    """The version's question wording, read-only; an answer option added to the engine after
    the version was frozen (the exposure question's "Not known yet") reads the seed's label."""

    def work_out() -> dict:
        questions = copy.deepcopy(version.questions)
        seed = _seed(QUESTIONS_SEED_PATH)
        for key, question in seed.items():
            for option, text in question.get("options", {}).items():
                options = questions.setdefault(key, {}).setdefault("options", {})
                if option not in options:
                    options[option] = copy.deepcopy(text)
        return questions

    return _shown_once("questions", version, work_out)


@dataclass(frozen=True)
class WordingField:
    """One editable text: where it lives in the wording, the admin's name for it, its group."""

    path: tuple[str, ...]
    title: str
    group: str
    markdown: bool = False

    @property
    def name(self) -> str:
        return "w__" + "__".join(self.path)


def _outcome_title(code: str) -> str:
    return engine.OUTCOME_LABELS[engine.Outcome(code)]


def wording_fields() -> list[WordingField]:
    """Every text the admin edits under "Outcomes and next steps" and "Pages", in page order."""
    fields: list[WordingField] = []
    outcomes = "Outcomes and next steps"
    for outcome in engine.OUTCOME_PRECEDENCE:
        for part, title in OUTCOME_PARTS:
            fields.append(
                WordingField(
                    ("outcomes", str(outcome), part),
                    f"{_outcome_title(outcome)}: {title}",
                    outcomes,
                    markdown=part in MARKDOWN_KEYS,
                )
            )
    for part, title in VARIANT_PARTS:
        fields.append(
            WordingField(
                ("next_steps_variants", "decompression_not_destabilising", part),
                f"Decompression planned, not destabilising, isolated back pain: {title}",
                outcomes,
                markdown=part in MARKDOWN_KEYS,
            )
        )
    fields.append(WordingField(("urgent", "label"), "Urgent cue", outcomes))
    for flag in engine.RED_FLAG_CODES:
        fields.append(
            WordingField(
                ("urgent", "red_flags", flag),
                f"Urgent advice for the red flag {flag.replace('_', ' ')}",
                outcomes,
            )
        )
    for rule in RULE_LEAD_IN_CODES:
        for part, title in (("decided", "when it decided"), ("considered", "when also considered")):
            fields.append(
                WordingField(
                    ("findings", "lead_ins", rule, part),
                    f"Lead-in to the {rule.replace('_', ' ')} finding, {title}",
                    outcomes,
                )
            )
    pages = "Pages"
    for key in _seed(WORDING_SEED_PATH)["findings"]:
        if key != "lead_ins":
            fields.append(WordingField(("findings", key), f"Decision page: {key}", pages))
    for key in _seed(WORDING_SEED_PATH)["start"]:
        fields.append(
            WordingField(("start", key), f"Start page: {key}", pages, markdown=key in MARKDOWN_KEYS)
        )
    for key in _seed(WORDING_SEED_PATH)["questionnaire"]:
        fields.append(WordingField(("questionnaire", key), f"Questions: {key}", pages))
    for key in _seed(WORDING_SEED_PATH)["decision_page"]:
        fields.append(WordingField(("decision_page", key), f"Decision page: {key}", pages))
    startback = "STarT Back"
    seed_startback = _seed(WORDING_SEED_PATH)["startback"]
    for key, value in seed_startback.items():
        if isinstance(value, str):
            fields.append(WordingField(("startback", key), f"STarT Back: {key}", startback))
    for item in seed_startback["items"]:
        fields.append(
            WordingField(("startback", "items", item), f"STarT Back statement {item}", startback)
        )
    for answer in seed_startback["answers"]:
        fields.append(
            WordingField(("startback", "answers", answer), f"STarT Back answer {answer}", startback)
        )
    for risk in seed_startback["risks"]:
        for part in ("label", "advice"):
            fields.append(
                WordingField(
                    ("startback", "risks", risk, part), f"STarT Back {risk} risk: {part}", startback
                )
            )
    return fields


def startback_enabled(version: PolicyVersion) -> bool:
    """An ICB switches the scorer off by setting `startback.enabled` false in a version."""
    return bool(version_wording(version).get("startback", {}).get("enabled"))


def wording_get(wording: Mapping, path: tuple[str, ...]) -> object:
    node: object = wording
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _wording_set(wording: dict, path: tuple[str, ...], value: str) -> None:
    node = wording
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def wording_problems(wording: object) -> list[str]:
    """Every missing or empty text in a version's wording, named as the admin sees it."""
    if not isinstance(wording, dict) or not wording:
        return ["The wording (outcomes, next steps and page texts) is missing"]
    problems = []
    for field in wording_fields():
        value = wording_get(wording, field.path)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"Enter the text '{field.title}'")
    return problems


def wording_iter_texts(wording: dict) -> Iterator[tuple[tuple[str, ...], str]]:
    for field in wording_fields():
        value = wording_get(wording, field.path)
        if isinstance(value, str):
            yield field.path, value


def wording_change_description(path: tuple[str, ...]) -> str:
    """How an edit event names one changed text ("outcomes surgeon to assess headline")."""
    return " ".join(path).replace("_", " ")


@transaction.atomic
def policy_version_wording_update(
    *,
    version: PolicyVersion,
    user,
    texts: dict[tuple[str, ...], str],
    base_revision: int | None = None,
) -> list[str]:
    """Apply an admin's edits to a draft's wording and answer labels; return what changed.

    `base_revision` is the revision the admin's form was loaded from: as on the main edit page,
    a save from an older one is refused (StaleDraftError names who changed what since), and a
    draft published or discarded meanwhile raises DraftClosedError.
    """
    from policy.services import DraftClosedError, StaleDraftError, _event, _locked

    version = _locked(version)
    if not version.is_draft:
        raise DraftClosedError(version)
    if base_revision is not None and base_revision != version.revision:
        from policy.selectors import policy_edit_events_since

        raise StaleDraftError(
            version=version,
            since=policy_edit_events_since(version=version, revision=base_revision),
        )
    wording = editable_copy(version_wording(version))
    questions = editable_copy(version_questions(version))
    changed = []
    for path, text in texts.items():
        if path[0] == "questions":
            target, path_in = questions, path[1:]
        else:
            target, path_in = wording, path
        if wording_get(target, path_in) != text:
            _wording_set(target, path_in, text)
            changed.append(wording_change_description(path))
    if changed:
        version.wording = wording
        version.questions = questions
        # A new revision, so a form loaded before this save is refused as stale (issue 12).
        version.revision += 1
        if version.status == PolicyVersion.Status.READY:
            version.status = PolicyVersion.Status.DRAFT
            version.ready_by = None
            version.ready_at = None
            _event(
                version,
                PolicyEditEvent.Action.RETURNED,
                user,
                ["edited after it was sent for approval"],
            )
        version.save()
        _event(version, PolicyEditEvent.Action.EDITED, user, changed, revision=version.revision)
    return changed


def answer_label_fields(version: PolicyVersion) -> list[WordingField]:
    """The answer options and "None of these" labels, editable under "Questions"."""
    fields = []
    for key, question in version_questions(version).items():
        if "none_label" in question:
            fields.append(
                WordingField(
                    ("questions", key, "none_label"),
                    f"Question {key.replace('_', ' ')}: 'none' answer",
                    "Questions",
                )
            )
        for option in question.get("options", {}):
            fields.append(
                WordingField(
                    ("questions", key, "options", option, "label"),
                    f"Question {key.replace('_', ' ')}: answer '{option}'",
                    "Questions",
                )
            )
    return fields
