"""The synthetic demo caseload: two MST-PSB teams, their staff, 18 open and 20 closed cases.

Everything here is invented. Names are made up; young people and victims have first names only.
`load_demo(session, password=...)` adds, inside the caller's transaction:

- teams "Northgate MST-PSB" and "Riverside MST-PSB", each with a supervisor and three therapists;
- the accounts in `DEMO_USERNAMES` (all sharing one password, hashed once with argon2id):
  `therapist`, `therapist2`, `supervisor` (Northgate), `supervisor2` (Riverside), `admin`
  (no team), `family` (Leon's family: a family account with access to Leon's case only), and the
  other therapists (`a.kowalski`, `m.osei`, `l.chen`, `r.evans`);
- Leon's case told in full (the worked example in docs/domain: week 24 of 30, father's
  minimisation falling from 9 to 3, a dip around weeks 8-10 after a row with his sister);
- 17 other open cases at weeks 2 to 30 of their plans and 20 closed cases (two closed early),
  built from a pool of common MST-PSB drivers, each with its referral behaviour, participants,
  desired outcomes, 9-12 drivers (about a third strengths), links, interventions, overarching and
  weekly goals, weekly ratings, weekly reviews, a safety plan and supervisor comments;
- a monthly MST adherence score for every month of every case, recorded by the team's supervisor
  (0.55-0.95; two stalled open cases, Callum and Reece, are below the 0.61 flag in their latest month).

Some open cases are on track, some have stalled (a prioritised driver flat for five weeks, a weekly
goal not met two weeks running), two have their weekly review overdue and four have a draft
review for the current week, so caseload flags have something to find.

Dates are relative to `today`; everything else is fixed (each case draws from its own seeded
random generator), so loading on the same day always gives the same data.

One deliberate departure from "3 to 5 open cases a therapist": six therapists with at least three
cases each, plus Leon's therapist's four, would be 19 open cases; the demo keeps 18 by giving
Riverside's newest therapist (`r.evans`) two while she builds up her caseload.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, select

from planner import accounts, audit
from planner.models import (
    AuditEvent,
    Case,
    Comment,
    DesiredOutcome,
    Driver,
    DriverLink,
    FamilyAccess,
    Goal,
    GoalDriver,
    Intervention,
    InterventionDriver,
    Participant,
    Rating,
    ReferralBehaviour,
    SafetyRule,
    SafetyRuleDriver,
    Team,
    User,
    WeeklyReview,
)

SEED = "mst-psb-demo-v1"
TEAMS = ("Northgate MST-PSB", "Riverside MST-PSB")
DEMO_TEAM_NAME = TEAMS[0]  # its presence means the demo is loaded

# username, display name, role, team index (None: no team)
STAFF: tuple[tuple[str, str, str, int | None], ...] = (
    ("supervisor", "Ruth Mensah", "supervisor", 0),
    ("therapist", "Priya Natarajan", "therapist", 0),
    ("therapist2", "Sam Okafor", "therapist", 0),
    ("a.kowalski", "Anna Kowalski", "therapist", 0),
    ("supervisor2", "Farida Haddad", "supervisor", 1),
    ("m.osei", "Marcus Osei", "therapist", 1),
    ("l.chen", "Lily Chen", "therapist", 1),
    ("r.evans", "Rhiannon Evans", "therapist", 1),
    ("admin", "Jo Whitfield", "admin", None),
)
FAMILY_USERNAME = "family"
FAMILY_DISPLAY_NAME = "Leon's family"
DEMO_USERNAMES: tuple[str, ...] = tuple(s[0] for s in STAFF) + (FAMILY_USERNAME,)
LEON = "Leon"


# =========================================================================== plain plan data


@dataclass
class DriverPlan:
    key: str
    name: str
    system: str
    kind: str
    description: str
    family_wording: str
    evidence_for: str
    evidence_against: str
    changeability: int
    prioritised: bool = False
    status: str = "supported"
    catalogue_key: str | None = None
    ratings: dict[int, int] = field(default_factory=dict)  # week -> 0-10 (needs only)


@dataclass
class InterventionPlan:
    type: str
    name: str
    description: str
    who: str
    frequency: str
    start_week: int
    end_week: int | None
    principles: str
    driver_keys: list[str]
    status: str = "planned"
    stop_reason: str | None = None


@dataclass
class GoalPlan:
    level: str
    text: str
    driver_keys: list[str]
    criterion: str = ""
    family_wording: str = ""
    week: int | None = None
    owner: str = ""
    status: str = "open"
    gas_weight: float = 1.0
    gas_score: int | None = None


@dataclass
class ReviewPlan:
    week: int
    status: str
    advances: str
    barriers_therapist: str
    barriers_family: str
    barriers_system: str
    fit_update: str
    next_steps: str
    submitted_at: datetime | None = None
    signed_off_at: datetime | None = None


@dataclass
class RulePlan:
    setting: str
    rule: str
    responsible: str
    review_date: date | None
    driver_keys: list[str]


@dataclass
class CommentPlan:
    subject: str  # case, driver, goal, intervention, review
    ref: str | int | None  # driver key, overarching goal index, review week, or None
    body: str
    status: str
    created_at: datetime
    addressed_at: datetime | None = None


@dataclass
class ParticipantPlan:
    name: str
    relation: str
    role: str
    who: str = ""  # label for the desired outcome
    outcome: str | None = None


@dataclass
class CasePlan:
    alias: str
    age: int
    therapist: str  # username
    team: int
    start_date: date
    planned_weeks: int
    status: str = "open"
    closed_on: date | None = None
    referral: dict = field(default_factory=dict)
    participants: list[ParticipantPlan] = field(default_factory=list)
    drivers: list[DriverPlan] = field(default_factory=list)
    links: list[tuple[str, str | None, int, str]] = field(default_factory=list)
    interventions: list[InterventionPlan] = field(default_factory=list)
    goals: list[GoalPlan] = field(default_factory=list)
    overall: dict[int, int] = field(default_factory=dict)
    reviews: list[ReviewPlan] = field(default_factory=list)
    rules: list[RulePlan] = field(default_factory=list)
    comments: list[CommentPlan] = field(default_factory=list)


# =========================================================================== date helpers


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _week_end(start: date, week: int) -> date:
    return start + timedelta(days=7 * week - 1)


def _current_week(start: date, today: date) -> int:
    return max(1, (today - start).days // 7 + 1)


def _review_times(
    start: date, week: int, today: date, rng: random.Random, *, closed_on: date | None, sign: bool
) -> tuple[datetime, datetime | None]:
    """Submitted at the end of the week, signed off a day or two later (never on or after today)."""
    last_day = min(_week_end(start, week), closed_on or _week_end(start, week), today - timedelta(days=1))
    submitted = _at(last_day, 15, rng.randint(0, 59))
    if not sign:
        return submitted, None
    sign_day = min(last_day + timedelta(days=rng.choice((1, 1, 2, 3))), today - timedelta(days=1))
    if sign_day == last_day:
        return submitted, _at(sign_day, 17, rng.randint(0, 59))
    return submitted, _at(sign_day, rng.randint(9, 16), rng.randint(0, 59))


def _intervention_status(start: int, end: int | None, current_week: int) -> str:
    if start > current_week:
        return "planned"
    if end is not None and end < current_week:
        return "done"
    return "active"


# =========================================================================== Leon (the worked example)

LEON_START_WEEKS_AGO = 23
LEON_LAST_WEEK = 23  # reviews and ratings for weeks 1-23; week 24 is in progress

# Weekly ratings, weeks 1-23 (index 0 = week 1). The dip around weeks 8-10 follows Gary's row
# with his sister at grandmother's birthday.
LEON_RATINGS: dict[str, list[int]] = {
    "minimisation": [9, 9, 9, 8, 8, 7, 7, 8, 8, 7, 6, 6, 5, 5, 5, 4, 4, 4, 4, 3, 3, 3, 3],
    "warmth": [8, 8, 8, 8, 7, 7, 6, 6, 7, 7, 6, 6, 5, 5, 5, 4, 4, 4, 4, 3, 3, 3, 3],
    "supervision": [8, 7, 6, 6, 5, 5, 4, 5, 6, 5, 4, 4, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2],
    "knowledge": [7, 7, 7, 7, 7, 6, 6, 5, 5, 5, 4, 4, 4, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2],
    "tyler": [6, 6, 6, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2],
    "sister": [5, 5, 5, 5, 5, 5, 6, 8, 8, 7, 6, 5, 5, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3],
    "calm": [5, 5, 5, 5, 5, 5, 5, 5, 6, 5, 5, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3],
    "friends": [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3, 3, 3],
}
LEON_OVERALL = [3, 3, 3, 4, 4, 4, 5, 4, 3, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7]

# key, name, system, kind, changeability, prioritised, catalogue key, description, family wording,
# evidence for, evidence against
LEON_DRIVERS = (
    ("minimisation", "Dad minimises what happened", "family", "need", 4, True, "caregiver_minimises_harm",
     "Gary describes the harm as 'just kids messing about' and at first said the referral was Claire "
     "'stirring'. While he plays it down he sees little reason for the supervision plan.",
     "Dad learning about what happened and how to keep everyone safe",
     "At intake: 'it's been blown out of all proportion'. Questioned Mia's account at the strategy "
     "meeting. Left the children upstairs alone at the family party in week 8.",
     "Signed the supervision plan in week 2 and has not cancelled a session without rearranging. "
     "Named in week 6 that what happened was harmful for Mia."),
    ("warmth", "Low warmth between Dad and Leon", "family", "need", 4, True, "low_family_warmth",
     "Contact between Gary and Leon is mostly instructions and telling off; Leon says Dad 'only "
     "talks to me when I'm in trouble'. Leon looks for closeness and attention elsewhere.",
     "More warm, fun time together for Dad and Leon",
     "Observed session: no praise in 60 minutes, three criticisms. Leon's own words at intake. "
     "Gary: 'he knows I love him, I don't need to say it'.",
     "Gary takes Leon to his football on Saturdays; they laugh together over computer games."),
    ("supervision", "Loose supervision when cousins visit", "family", "need", 5, True, "loose_supervision",
     "When Claire's children visited, the children played upstairs for long periods with no adult "
     "checking. All the harm happened during these visits.",
     "Grown-ups keeping an eye out when cousins visit",
     "Mia's account: 'the grown-ups were downstairs watching the match'. Gary agrees the children "
     "were 'left to it' for hours.",
     "Grandmother already checks on the children when visits are at her house."),
    ("tyler", "Tyler was exposed to the harm", "family", "need", 3, False, "sibling_exposure",
     "Tyler (8) saw the harm once and was told by Leon it was a secret game. He may be confused "
     "and worried, and the secrecy between the brothers kept the harm going.",
     "Making sure Tyler feels safe and looked after",
     "Tyler told the social worker 'Leon said not to tell'. Trouble sleeping for two weeks after "
     "the disclosure (Jade).",
     "Tyler is doing well at school and talks easily with Jade."),
    ("knowledge", "Leon's poor knowledge of bodies, consent and boundaries", "individual", "need", 5, True,
     "poor_sexual_knowledge",
     "Leon has had no sex or relationships education at home and missed it at school. He did not "
     "know the names of private parts or what consent means, and called the harm 'a game'.",
     "Learning about our bodies and asking first",
     "Assessment session: could not name private parts or say which touching is not OK. Said 'I "
     "didn't think it was wrong, she didn't say no'.",
     "Curious and keen to learn; asks good questions in sessions."),
    ("calm", "Leon struggles to calm down when angry", "individual", "need", 3, False,
     "poor_emotional_regulation",
     "Leon shouts, slams doors and sometimes hits out at Tyler when frustrated; he has no plan for "
     "calming down and Gary tends to shout back.",
     "Finding calm ways to handle angry feelings",
     "Two incidents a week at home logged by Jade; one detention at school for shouting.",
     "No fights at school this year; calms quickly with his grandmother."),
    ("friends", "Few friends of his own age", "peers", "need", 3, False, "peer_isolation",
     "Leon spends most of his free time with his younger brother and cousins rather than children "
     "his own age, partly because he moved school last year.",
     "Making friends your own age",
     "Names no friends outside school; school say he is often alone at lunch.",
     "Gets on with classmates in lessons; keen on football."),
    ("sister", "Dad's anger with his sister over the referral", "family", "need", 3, False, "domestic_conflict",
     "Gary is angry with his sister Claire for contacting social care. The anger feeds his "
     "minimisation ('she's making it out to be worse than it was') and the family rift.",
     "Helping the grown-ups in the family get on again",
     "Refuses to speak to Claire; row at grandmother's birthday in week 8.",
     "Says he 'wants the family back together' for his mum's sake."),
    ("home", "Dad wants Leon to stay at home", "family", "strength", 3, False, "caregiver_commitment_home",
     "Gary is clear that Leon belongs at home and will do what it takes to keep him there; this is "
     "the lever for the supervision plan.",
     "Dad wants you to stay at home with him",
     "Said at every meeting: 'he's not going anywhere'. Rearranged shifts to be at home after school.",
     ""),
    ("school", "Leon engages well at school", "school", "strength", 2, False, "engages_at_school",
     "Leon attends every day, behaves well in lessons and likes his form tutor.",
     "You are doing well at school",
     "98% attendance; positive report from the Head of Year.",
     "Often alone at lunchtime."),
    ("nan", "Supportive grandmother nearby", "family", "strength", 3, False, "supportive_extended_family",
     "Gary's mother Pat lives two streets away, sees the boys most days and is trusted by both "
     "Gary and Claire; she can be the second adult at family visits.",
     "Nan is close by and helps out",
     "Agreed to the supervision plan in week 5; Claire trusts her.",
     "Has health problems that limit how much she can do."),
)

LEON_LINKS: tuple[tuple[str, str | None, int, str], ...] = (
    ("minimisation", "supervision", 3, "Dad says it was 'just kids messing about' -> cousins' visits left unsupervised"),
    ("minimisation", "warmth", 2, "What happened is brushed off -> Leon feels he can't talk to Dad"),
    ("sister", "minimisation", 2, "Angry with Claire for 'calling social services' -> plays down the harm"),
    ("warmth", None, 2, "Little warm time with Dad -> Leon seeks closeness and attention in unsafe ways"),
    ("supervision", None, 3, "Children left upstairs for hours -> the chance for harm"),
    ("knowledge", None, 3, "Doesn't understand consent or private parts -> 'I didn't think it was wrong'"),
    ("tyler", None, 1, "Tyler told to keep 'the game' secret -> the harm went unnoticed"),
    ("calm", "warmth", 2, "Leon's outbursts -> Dad shouts back and withdraws"),
    ("friends", None, 1, "Plays mostly with younger cousins -> more unsupervised time with younger children"),
    ("home", "supervision", 2, "Dad wants Leon at home -> motivated to keep to the supervision plan"),
    ("nan", "supervision", 2, "Nan is the second adult at visits -> children are never left alone"),
    ("school", "friends", 1, "Settled at school -> a place to build friendships his own age"),
)

# type, name, who, frequency, start, end, principles, drivers, description
LEON_INTERVENTIONS = (
    ("safety_planning", "Written supervision plan for family visits", "Gary, Jade and grandmother (Pat)",
     "Every visit; reviewed weekly", 1, 30, "1,4,8", ["supervision", "tyler"],
     "A written plan for every visit by younger children: who is the named adult, children play in "
     "shared rooms with doors open, nobody upstairs alone. Shared with Claire and the social worker."),
    ("caregiver_education", "Psychoeducation with Dad on harmful sexual behaviour", "Therapist with Gary (Jade joins)",
     "Twice a week", 2, 14, "1,3,6", ["minimisation", "sister"],
     "What harmful sexual behaviour in children is, how common it is, what drives it and what "
     "keeps children safe; working through Gary's fit circle with him."),
    ("safety_planning", "Tyler's wellbeing check and bedroom safety rule", "Therapist with Jade and Tyler",
     "Weekly check-in", 2, 8, "2,6", ["tyler"],
     "A check on how Tyler is, using feelings cards, and a household rule about bedrooms."),
    ("caregiver_denial_work", "Working through Dad's minimisation", "Therapist with Gary",
     "Weekly", 4, 16, "1,3,5", ["minimisation"],
     "Gently challenging 'messing about' language, looking at the harm from Mia's point of view "
     "and linking Gary's beliefs to the gaps in supervision."),
    ("warmth_building", "Daily one-to-one time for Dad and Leon", "Gary and Leon",
     "15-20 minutes most days", 4, 24, "2,4,7", ["warmth", "calm"],
     "Child-led time together every day, with praise logged on a fridge chart; coached in sessions."),
    ("other", "Calm-down plan with Leon", "Therapist with Leon and Gary",
     "Weekly", 5, 15, "4,6", ["calm"],
     "Leon's calm-down card (count, breathe, go to his room) practised at home and shared with school."),
    ("sex_consent_education", "Sex and consent education for Leon", "Therapist with Leon; Gary joins the last part",
     "Weekly session", 6, 20, "4,6", ["knowledge"],
     "Body map, names of private parts, body safety rules, consent and growing up, at a pace right for an 11-year-old."),
    ("other", "Wellbeing sessions for Tyler with the school practitioner", "School wellbeing practitioner",
     "Weekly", 8, 18, "6,9", ["tyler"],
     "Referral agreed with Gary and Jade; the practitioner feeds back to Jade."),
    ("family_communication", "Repairing Dad's relationship with his sister", "Gary, Claire and grandmother (mediating)",
     "As agreed", 10, 18, "1,5", ["sister", "minimisation"],
     "Phone calls and then a meeting mediated by grandmother, with the social worker keeping Claire informed."),
    ("family_communication", "Family communication: talking about difficult things", "Gary, Jade, Leon and Tyler",
     "Weekly family meeting", 12, 26, "4,7,9", ["warmth", "minimisation"],
     "A weekly kitchen-table family meeting, first led by the therapist and then by Gary."),
    ("school_liaison", "School liaison: break-time plan and a trusted adult", "Therapist with the Head of Year",
     "Fortnightly", 3, 30, "8,9", ["friends", "school"],
     "Supervised break times, a Monday check-in with the Head of Year and a lunchtime club place."),
    ("peers", "Saturday football group", "Gary takes Leon; coach knows the safety plan",
     "Weekly", 14, 30, "2,9", ["friends"],
     "A same-age activity Leon chose, with a coach who knows the community safety rule."),
    ("clarification_apology", "Clarification work: what Leon wants Mia's family to know", "Therapist with Leon and Gary",
     "Weekly", 21, 28, "3,5", ["minimisation", "knowledge"],
     "Preparing an account of responsibility; whether anything is shared with Mia is Claire's decision."),
)

# text, criterion, family wording, weight, status, gas score, drivers
LEON_GOALS = (
    ("No further harmful sexual behaviour",
     "No new incident reported by family, school or social care through to closure",
     "Keeping everyone safe at home", 3.0, "open", 1, ["supervision", "knowledge", "warmth"]),
    ("Dad supervises whenever younger children are present",
     "Grandmother and Claire confirm the supervision plan was kept at every visit for 8 weeks running",
     "Grown-ups keeping an eye out when cousins visit", 2.0, "met", 1, ["supervision", "minimisation"]),
    ("Dad and Leon spend warm one-to-one time most days",
     "At least 15 minutes on 5 days a week for 6 weeks running, logged by Dad",
     "Special time with Dad most days", 1.5, "met", 1, ["warmth"]),
    ("Leon can explain consent and body boundaries in his own words",
     "Leon explains the body safety rules and consent to the therapist and to Dad without prompts",
     "Knowing about our bodies and asking first", 1.5, "met", 2, ["knowledge"]),
    ("Dad can say what happened was harmful, and why",
     "Gary describes the harm and the safety plan to the social worker without minimising",
     "Dad understanding what happened and how to help", 1.0, "open", 0, ["minimisation", "sister"]),
)

# Weekly steps for each driver, in order: a met goal moves on to the next step.
LEON_STEPS: dict[str, list[tuple[str, str]]] = {
    "supervision": [
        ("Gary and Jade sign the written supervision plan for visits", "Gary and Jade"),
        ("Children play downstairs in the living room whenever cousins visit", "Gary"),
        ("Grandmother agrees to be the second adult at Sunday lunch", "Gary"),
        ("Gary keeps the visit log for every family contact this week", "Gary"),
        ("No child is upstairs unsupervised during any visit (checked with grandmother)", "Gary and Pat"),
        ("Gary reviews the supervision plan with the social worker without prompting", "Gary"),
        ("Supervision plan kept at every visit this week", "Gary, Jade and Pat"),
    ],
    "minimisation": [
        ("Gary reads the leaflet 'When children harm' and brings two questions", "Gary"),
        ("Gary lists three ways what happened could affect Mia", "Gary"),
        ("Gary names one driver on the fit circle that he can change", "Gary"),
        ("Gary tells Jade in a session what happened, in his own words", "Gary"),
        ("Gary explains to grandmother why the supervision plan matters", "Gary"),
        ("Gary writes down what he would want Claire to know about Mia's safety", "Gary"),
        ("Gary describes the warning signs he now watches for", "Gary"),
        ("Gary talks through the relapse-prevention plan with Leon", "Gary and Leon"),
    ],
    "warmth": [
        ("Gary and Leon do 10 minutes of one-to-one time on three days", "Gary and Leon"),
        ("Gary gives Leon one specific praise a day, logged on the fridge chart", "Gary"),
        ("Gary and Leon do 15 minutes of one-to-one time on five days", "Gary and Leon"),
        ("Leon chooses the activity for special time twice this week", "Leon"),
        ("Gary and Leon cook tea together once this week", "Gary and Leon"),
        ("Gary and Leon do 20 minutes of one-to-one time on five days", "Gary and Leon"),
    ],
    "knowledge": [
        ("Leon completes the 'my body, my rules' session and draws his body map", "Leon"),
        ("Leon names the private parts and the body safety rules", "Leon"),
        ("Leon explains what 'consent' means in his own words", "Leon"),
        ("Leon sorts ten situations into OK and not-OK touching and says why", "Leon"),
        ("Leon and Gary go through the 'growing up' booklet together", "Leon and Gary"),
        ("Leon explains to Gary what he would do if he had a worrying feeling", "Leon"),
    ],
    "tyler": [
        ("Jade asks Tyler how he is at bedtime using the feelings cards", "Jade"),
        ("Bedroom rule kept: the boys sleep in their own rooms, doors open", "Gary and Jade"),
        ("Tyler goes to his session with the school wellbeing practitioner", "Jade"),
        ("Gary tells Tyler it was right to tell and it was not his fault", "Gary"),
    ],
    "calm": [
        ("Leon uses his calm-down card when angry at least twice", "Leon"),
        ("Leon and Gary practise the calm-down plan when both are calm", "Leon and Gary"),
        ("Leon tells his Head of Year when he feels wound up", "Leon"),
    ],
    "sister": [
        ("Gary uses the 'pause and walk away' plan when Claire is mentioned", "Gary"),
        ("Gary agrees to a phone call with Claire, with grandmother there", "Gary"),
        ("Gary sends Claire the agreed message about the supervision plan", "Gary"),
    ],
    "friends": [
        ("Leon goes to the Saturday football taster session", "Leon and Gary"),
        ("Leon goes to lunchtime club three times this week", "Leon"),
        ("Leon invites a friend from his class round, with Gary at home", "Leon and Gary"),
    ],
}
# driver -> (first week, last week) with weekly goals
LEON_GOAL_WINDOWS = {
    "supervision": (1, 24), "minimisation": (2, 24), "tyler": (2, 9), "warmth": (4, 24),
    "calm": (5, 15), "knowledge": (6, 20), "sister": (8, 14), "friends": (14, 24),
}
LEON_ENGAGEMENT_GOALS = (
    ("Gary, Jade, Leon and Tyler attend the first three sessions at home", "Whole family"),
    ("Gary and the therapist draw the fit circle together", "Gary"),
)

# week: (advances, barriers_family, barriers_therapist, barriers_system, fit note, next-step note)
LEON_WEEKS: dict[int, tuple[str, str, str, str, str, str]] = {
    1: ("First three sessions held at home; Gary, Jade, Leon and Tyler all met the therapist. A first "
        "written supervision plan for visits was drafted.",
        "Gary says the referral was 'blown out of proportion' and blames his sister Claire for it.",
        "", "Child protection conference booked for week 3; the social worker wants the plan before then.",
        "Initial fit circle drawn with Gary: he accepts 'supervision' and 'time with Leon' as things to "
        "work on, not yet his own minimisation.", "Get the supervision plan signed; start psychoeducation."),
    2: ("Gary and Jade signed the supervision plan. Psychoeducation started: Gary read the leaflet and "
        "asked 'is he a paedophile?'; we talked about how common and changeable harmful behaviour in "
        "children is.",
        "Gary cancelled Thursday's session for an extra shift (rearranged to Saturday).",
        "", "", "Minimisation still high; Gary's questions show he is starting to engage with it.",
        "Check in with Tyler; second psychoeducation session."),
    3: ("Child protection conference held; the social worker, Nadia Qureshi, is satisfied with the "
        "supervision arrangements. Tyler says he feels safe and sleeps in his own room.",
        "Gary still calls it 'kids messing about' when Claire's name comes up.",
        "", "School was not invited to the conference; therapist arranged a separate liaison meeting.",
        "Supervision improving quickly; minimisation unchanged.", "Start one-to-one time; meet school."),
    4: ("One-to-one time started: Gary and Leon played FIFA together on three evenings. The Head of Year "
        "agreed a break-time plan.",
        "Gary finds praise awkward: 'he knows I love him'.", "", "",
        "Warmth is the driver Gary is most willing to work on; use it as the way in.",
        "Coach praise in session; introduce Leon's calm-down plan."),
    5: ("Leon made his calm-down card and used it twice at home. Grandmother Pat met the therapist and "
        "agreed to be the second adult at Sunday lunches.",
        "Jade reports two shouting matches between Gary and Leon.", "", "",
        "Added link: Leon's outbursts -> Dad shouts back and withdraws.",
        "Begin sex and consent sessions with Leon."),
    6: ("Dad named for the first time that what happened was harmful for Mia. Sex and consent sessions "
        "began with Leon: body map and names of private parts.",
        "", "", "", "First real fall in minimisation (8 -> 7).",
        "Keep going with the leaflet work; Gary to list effects on Mia."),
    7: ("Leon explained the body safety rules back to Gary. One-to-one time on five days this week.",
        "Gary tense about grandmother's birthday party next weekend, where Claire will be.", "", "",
        "Anger with Claire rising ahead of the party; plan agreed for the day (children downstairs, "
        "Pat as named adult).", "Party plan; keep one-to-one time going."),
    8: ("Leon kept to his calm-down plan despite the tension at home.",
        "Gary had a row with his sister Claire at grandmother's birthday; Claire accused him of not "
        "taking Mia's safety seriously. Afterwards Gary said 'she's making it out to be worse than it "
        "was', and for a while the children were left upstairs until grandmother stepped in.",
        "", "Social worker informed the same day; no strategy discussion needed, but Claire has paused visits.",
        "Anger with his sister feeds Dad's minimisation: link strengthened. Overall scale down to 4.",
        "Review the lapse with Gary; re-sign the plan with grandmother."),
    9: ("Gary agreed the lapse at the party was a mistake and re-signed the supervision plan with grandmother.",
        "Gary still angry with Claire and refused to talk about Mia's feelings; one-to-one time dropped to two days.",
        "Therapist on training for two days: only two sessions this week.",
        "Claire has stopped visits until she hears from the social worker.",
        "Overall scale 3: the dip is about Dad's stance, not a new incident.",
        "Ask grandmother to help with contact between Gary and Claire."),
    10: ("Grandmother mediated a phone call between Gary and Claire; both agreed to keep talking through "
         "the social worker. One-to-one time back to four days.",
         "Gary tired after night shifts.", "", "", "Anger with Claire easing (8 -> 7).",
         "Repair work with Claire; resume the psychoeducation sessions."),
    11: ("Gary explained to grandmother why the supervision plan matters, in his own words. Leon sorted "
         "'OK / not OK touching' cards correctly and said why.",
         "", "", "", "Minimisation back below its pre-party level.", "Plan the first family meeting."),
    12: ("First family meeting at the kitchen table. Visits with the cousins resumed under the written "
         "plan, with grandmother present.",
         "Tyler went quiet when the meeting touched on rules about bedrooms.", "", "", "",
         "Family meeting every week; follow up with Tyler."),
    13: ("Gary wrote down what he would want Claire to know about Mia's safety; Claire told the social "
         "worker she has noticed 'a real change'.",
         "", "", "", "", "Finish the psychoeducation block."),
    14: ("Psychoeducation block finished: Gary can name each driver on the fit circle and what he does "
         "about it. Leon went to the Saturday football taster.",
         "", "", "Football club needed the social worker's agreement before Leon could join; took a week.",
         "", "Join the football group; keep the visit log going."),
    15: ("Tyler's sessions with the school wellbeing practitioner are going well; he told Jade he is "
         "'not worried any more'.",
         "Leon refused one consent session ('it's embarrassing').", "", "", "",
         "Shorter, more practical consent sessions."),
    16: ("Child protection review: the plan stepped down to child in need. Gary kept the visit log for "
         "all three family contacts.",
         "", "", "New social worker allocated for child in need; handover meeting held.",
         "Supervision and minimisation both now low; warmth next.", "Introduce the new social worker to the plan."),
    17: ("Leon and Gary went through the 'growing up' booklet together; Gary said 'my dad never talked to "
         "me about any of this'.", "", "", "", "", "Keep one-to-one time at 20 minutes."),
    18: ("Supervision plan kept at every visit for eight weeks running (grandmother and Claire confirm). "
         "Leon joined the football group.",
         "", "Therapist off sick one day.", "", "Goal 'Dad supervises whenever younger children are "
         "present' met.", "Hand more of the family meeting to Gary."),
    19: ("Leon explained consent to the therapist and to Gary without prompts. Gary reviewed the "
         "supervision plan with the social worker himself.",
         "", "", "", "Goal 'Leon can explain consent and body boundaries' met.", "Last consent session."),
    20: ("Sex and consent programme completed. At the family meeting father and son said it is easier "
         "to talk about difficult things now.",
         "", "", "", "Overall scale 7 for the first time.", "Start clarification work."),
    21: ("Clarification work started: what Leon would want Mia and Claire to know, for Claire to decide "
         "whether a letter goes ahead. Gary and Leon cook tea together most Fridays.",
         "Gary worried clarification will 'stir things up' with Claire.", "", "",
         "Goal 'Dad and Leon spend warm one-to-one time most days' met.", "Draft a relapse-prevention plan."),
    22: ("Relapse-prevention plan drafted with the family: warning signs, who to call, what the rules are.",
         "", "", "", "", "Closure planning with the family and social worker."),
    23: ("Planning for closure: the family named who keeps the plan going (Gary, Jade and grandmother). "
         "Gary ran the family meeting without the therapist leading.",
         "", "", "Social worker on leave; closure meeting to be booked for week 27.",
         "All prioritised drivers now at 2-3.", "Taper sessions to twice a week; prepare the closure report."),
}


def _leon_plan(today: date) -> CasePlan:
    rng = random.Random(f"{SEED}:{LEON}")
    start = today - timedelta(weeks=LEON_START_WEEKS_AGO)
    current = _current_week(start, today)  # 24
    plan = CasePlan(alias=LEON, age=11, therapist="therapist", team=0, start_date=start, planned_weeks=30)
    plan.referral = dict(
        summary="Sexually harmed his cousin Mia (7) several times during family visits; once his brother Tyler (8) watched",
        description=(
            "Mia (7) told her mother Claire that Leon had touched her private parts under her clothes on at "
            "least three occasions when Claire's family visited Leon's home, and once asked her to touch him. "
            "On one occasion Leon's younger brother Tyler (8) was in the room and watched. Leon told both "
            "younger children it was a secret game. Leon first denied it, then said 'she didn't say no'. The "
            "police took no further action because of his age; children's social care opened a child "
            "protection plan and referred the family to MST-PSB."
        ),
        frequency="At least three occasions over about four months",
        intensity="Touching under clothing; secrecy and a 'game' used to get the younger child to go along",
        duration="About four months before Mia's disclosure",
        hackett_level="abusive",
        brook_colour="red",
    )
    plan.participants = [
        ParticipantPlan("Gary", "father", "caregiver", "Dad",
                        "I want Leon to stay at home with us and for this to be behind us."),
        ParticipantPlan("Jade", "Dad's partner", "caregiver", "Jade",
                        "I want the boys to feel they can come to us about anything."),
        ParticipantPlan("Leon", "young person", "key_participant", "Leon",
                        "I want Dad to stop being angry with me all the time and to go round Nan's again like before."),
        ParticipantPlan("Tyler", "younger brother (8)", "sibling", "Tyler",
                        "I want Leon and Dad to stop shouting."),
        ParticipantPlan("Mia", "cousin (7)", "victim"),
        ParticipantPlan("Claire", "aunt, Mia's mother", "key_participant", "Aunt Claire",
                        "I need to know Mia is safe and that Gary takes this seriously."),
        ParticipantPlan("Pat", "paternal grandmother", "key_participant", "Grandmother",
                        "I want the family talking to each other again."),
        ParticipantPlan("Nadia Qureshi", "social worker", "key_participant", "Social worker",
                        "I need to see Dad keep to a safety plan without me checking, so the child protection "
                        "plan can end."),
        ParticipantPlan("Daniel Hughes", "Head of Year 7, Hollins Park Academy", "key_participant", "School",
                        "We want Leon settled, with everyone clear about supervision at break times."),
    ]
    for key, name, system, kind, change, prioritised, cat, desc, fam, ev_for, ev_against in LEON_DRIVERS:
        ratings = {w + 1: v for w, v in enumerate(LEON_RATINGS[key])} if kind == "need" else {}
        plan.drivers.append(
            DriverPlan(key, name, system, kind, desc, fam, ev_for, ev_against, change, prioritised,
                       "supported", cat, ratings)
        )
    plan.links = list(LEON_LINKS)
    for itype, name, who, freq, s, e, principles, keys, desc in LEON_INTERVENTIONS:
        plan.interventions.append(
            InterventionPlan(itype, name, desc, who, freq, s, e, principles, list(keys),
                             _intervention_status(s, e, current))
        )
    for text, criterion, fam, weight, status, score, keys in LEON_GOALS:
        plan.goals.append(GoalPlan("overarching", text, list(keys), criterion, fam, None, "Family and therapist",
                                   status, weight, score))
    plan.overall = {w + 1: v for w, v in enumerate(LEON_OVERALL)}

    # Weekly goals: a met goal moves its driver on to the next step; otherwise it is tried again.
    pointer = {key: 0 for key in LEON_STEPS}
    priority = ["supervision", "minimisation", "warmth", "knowledge", "tyler", "calm", "sister", "friends"]
    weekly: dict[int, list[GoalPlan]] = {}

    def engagement_goal(goal: GoalPlan) -> bool:
        return goal.text in {text for text, _ in LEON_ENGAGEMENT_GOALS}

    for week in range(1, current + 1):
        active = [k for k in priority if LEON_GOAL_WINDOWS[k][0] <= week <= LEON_GOAL_WINDOWS[k][1]]
        n = rng.randint(3, 5)
        chosen = active[:n] if len(active) > n else active
        goals: list[GoalPlan] = []
        if week == 1:
            for text, owner in LEON_ENGAGEMENT_GOALS:
                goals.append(GoalPlan("intermediary", text, ["supervision"], week=week, owner=owner))
        for key in chosen:
            steps = LEON_STEPS[key]
            text, owner = steps[min(pointer[key], len(steps) - 1)]
            goals.append(GoalPlan("intermediary", text, [key], week=week, owner=owner))
        for goal in goals:
            key = goal.driver_keys[0]
            if week == current:
                goal.status = "open"
                continue
            if week in (8, 9) and key in ("minimisation", "sister", "supervision", "warmth"):
                goal.status = "not_met" if key != "warmth" or week == 9 else "partly_met"
            elif week == 10 and key in ("minimisation", "sister"):
                goal.status = "partly_met"
            elif engagement_goal(goal) or (week >= 11 and key == "supervision"):
                goal.status = "met"  # the family engaged at once; the plan has held at every visit since week 11
            else:
                p_met = 0.5 if week <= 7 else 0.8
                r = rng.random()
                goal.status = "met" if r < p_met else ("partly_met" if r < p_met + (1 - p_met) * 0.65 else "not_met")
                if goal.status == "not_met" and week >= 18:
                    goal.status = "partly_met"  # late in treatment nothing slips completely
            if goal.status == "met" and not engagement_goal(goal):
                pointer[key] += 1
        weekly[week] = goals
        plan.goals.extend(goals)

    names = {d.key: d.name for d in plan.drivers}
    for week in range(1, LEON_LAST_WEEK + 1):
        advances, b_family, b_therapist, b_system, fit_note, next_note = LEON_WEEKS[week]
        met = [g.text for g in weekly[week] if g.status == "met"]
        if met:
            advances += " Weekly goals met: " + "; ".join(met) + "."
        not_met = [g for g in weekly[week] if g.status in ("partly_met", "not_met")]
        if not_met and not b_family:
            b_family = "Goals not fully met: " + "; ".join(
                f"{g.text} ({g.status.replace('_', ' ')})" for g in not_met
            ) + "."
        fit = _ratings_line(plan, names, week, [k for k, *_ in LEON_DRIVERS if k in LEON_RATINGS][:5])
        if fit_note:
            fit = f"{fit_note} {fit}"
        nxt = "Next week: " + "; ".join(g.text for g in weekly[week + 1]) + "."
        if next_note:
            nxt = f"{next_note} {nxt}"
        submitted, signed = _review_times(start, week, today, rng, closed_on=None, sign=week < LEON_LAST_WEEK)
        plan.reviews.append(
            ReviewPlan(week, "submitted", advances, b_therapist or "None this week.", b_family or "None this week.",
                       b_system or "None this week.", fit, nxt, submitted, signed)
        )

    review_day = today + timedelta(days=10)
    plan.rules = [
        RulePlan("home", "Bedroom doors stay open and children play in shared rooms when cousins visit",
                 "Gary and grandmother (Pat)", review_day, ["supervision", "tyler"]),
        RulePlan("home", "Leon and Tyler sleep in their own rooms and knock before going into each other's room",
                 "Gary and Jade", review_day, ["tyler", "supervision"]),
        RulePlan("online", "Tablets and phones are used in the living room and stay downstairs after 8pm",
                 "Gary and Jade", review_day, ["supervision", "knowledge"]),
        RulePlan("school", "Leon spends break times in the supervised yard and goes to lunchtime club; "
                 "the Head of Year checks in with him on Mondays", "Daniel Hughes (Head of Year 7)", review_day,
                 ["friends", "calm"]),
        RulePlan("community", "Leon is with an adult he knows whenever younger children are around at the park "
                 "or at football", "Gary, grandmother (Pat) and the football coach", review_day, ["supervision"]),
    ]
    plan.comments = [
        CommentPlan("driver", "minimisation",
                    "Is Dad's minimisation tied up with his anger at Claire? Consider adding that link to the map.",
                    "addressed", _at(start + timedelta(days=33), 11, 5), _at(start + timedelta(days=37), 9, 40)),
        CommentPlan("review", 9,
                    "After the party lapse: please update the safety plan and make sure Claire hears about the "
                    "changes through the social worker, not via Gary.",
                    "addressed", _at(start + timedelta(days=64), 14, 20), _at(start + timedelta(days=68), 10, 15)),
        CommentPlan("goal", 0,
                    "Start thinking about how you will score the goals at closure and what the handover to "
                    "social care needs.", "open", _at(today - timedelta(days=9), 12, 30)),
        CommentPlan("review", 23,
                    "Good progress. Before closure, hear Tyler's view directly: he has had little voice in "
                    "recent reviews.", "open", _at(today - timedelta(days=1), 16, 45)),
    ]
    return plan


def _ratings_line(plan: CasePlan, names: dict[str, str], week: int, keys: list[str]) -> str:
    parts = []
    by_key = {d.key: d for d in plan.drivers}
    for key in keys:
        ratings = by_key[key].ratings
        if week not in ratings:
            continue
        now, before = ratings[week], ratings.get(week - 1)
        parts.append(f"{names[key]} {now}" + (f" (was {before})" if before is not None and before != now else ""))
    overall = plan.overall.get(week)
    line = "Ratings: " + "; ".join(parts) + "."
    if overall is not None:
        line += f" Overall safety scale {overall}/10."
    return line


# =========================================================================== the driver pool

# Placeholders in every text below: {yp} young person, {he} {him} {his} {himself} {He} {His},
# {carer} main carer as the family says it ("Mum"), {carer2} second carer, {carers} both,
# {victim} {vage} {vrel} the person harmed, {sib} a sibling, {sw} social worker, {school} school contact,
# {adult2} the second adult who can help supervise.


@dataclass(frozen=True)
class NeedSpec:
    system: str
    change: int
    names: tuple[str, ...]
    description: str
    family: str
    ev_for: str
    ev_against: str
    behaviour: tuple[int, str] | None  # link to the referral behaviour
    links: tuple[tuple[str, int, str], ...]  # to other drivers, if present
    intervention: tuple[str, str, str, str, str, int, int]  # type, name, who, freq, principles, start, length
    steps: tuple[tuple[str, str], ...]  # weekly goals (text, owner)
    goal: tuple[str, str, str] | None = None  # overarching: text, criterion, family wording
    requires: tuple[str, ...] = ()  # "carer2", "sib"


NEEDS: dict[str, NeedSpec] = {
    "caregiver_minimises_harm": NeedSpec(
        "family", 4,
        ("{carer} minimises what happened", "{carer} plays down the harm: 'that's not who {he} is'",
         "{carer} doubts how serious the harm was"),
        "{carer} describes what happened as a one-off or 'kids being kids', which makes it hard to agree "
        "that the safety plan is needed.",
        "Grown-ups understanding what happened and how to help",
        "At intake {carer} said the referral was 'over the top' and questioned {victim}'s account.",
        "{carer} signed the safety plan and has not cancelled sessions.",
        None,
        (("loose_supervision", 3, "{carer} sees little risk -> supervision slips"),
         ("low_family_warmth", 1, "Harm not talked about -> {yp} keeps feelings to {himself}")),
        ("caregiver_education", "Psychoeducation with {carer} on harmful sexual behaviour", "Therapist with {carers}",
         "Twice a week", "1,3,6", 2, 12),
        (("{carer} reads the leaflet on harmful sexual behaviour and brings two questions", "{carer}"),
         ("{carer} lists three ways what happened could affect {victim}", "{carer}"),
         ("{carer} names one driver on the fit circle that the family can change", "{carer}"),
         ("{carer} describes what happened in their own words, without 'just' or 'only'", "{carer}"),
         ("{carer} explains to {adult2} why the safety plan matters", "{carer}"),
         ("{carer} describes the warning signs to watch for", "{carer}")),
        ("{carer} can say what happened, why it was harmful and what keeps everyone safe",
         "{carer} describes the harm and the safety plan to {sw} without minimising",
         "Grown-ups understanding what happened and how to help"),
    ),
    "low_family_warmth": NeedSpec(
        "family", 4,
        ("Low warmth between {carer} and {yp}", "Little warm time between {carer} and {yp}"),
        "Most contact between {carer} and {yp} is instructions or telling off; {yp} says {carer} 'only "
        "notices me when I'm in trouble'.",
        "More warm, fun time together at home",
        "Observed session: no praise, several criticisms. {yp}'s own words at intake.",
        "They share a joke about football; {carer} turns up to every school meeting.",
        (2, "Little warmth at home -> {yp} seeks closeness and attention in unsafe ways"),
        (),
        ("warmth_building", "Daily one-to-one time for {carer} and {yp}", "{carer} and {yp}",
         "15-20 minutes most days", "2,4,7", 3, 20),
        (("{carer} and {yp} do 10 minutes of one-to-one time on three days", "{carer} and {yp}"),
         ("{carer} gives {yp} one specific praise a day, logged on a chart", "{carer}"),
         ("{carer} and {yp} do 15 minutes of one-to-one time on five days", "{carer} and {yp}"),
         ("{yp} chooses the one-to-one activity twice this week", "{yp}"),
         ("{carer} and {yp} do 20 minutes of one-to-one time on five days", "{carer} and {yp}")),
        ("{carer} and {yp} spend warm one-to-one time most days",
         "At least 15 minutes on 5 days a week for 6 weeks running, logged by {carer}",
         "Special time together most days"),
    ),
    "loose_supervision": NeedSpec(
        "family", 5,
        ("Loose supervision when younger children are around", "Younger children often left unsupervised with {yp}"),
        "Younger children are often left to play with {yp} with no adult checking, including at family "
        "visits and after school.",
        "Grown-ups keeping an eye out so everyone stays safe",
        "The harm happened when no adult was in the room; {carer} agrees the children were 'left to it'.",
        "The children are well supervised when they visit other families.",
        (3, "No adult nearby -> the chance for harm"),
        (),
        ("safety_planning", "Written safety and supervision plan", "{carers} with {adult2}",
         "Every day; reviewed weekly", "1,4,8", 1, 40),
        (("Written supervision plan signed by {carers}", "{carers}"),
         ("Younger children play in shared rooms with an adult nearby every day this week", "{carer}"),
         ("{adult2} agrees to be the second adult at family visits", "{carer}"),
         ("{carer} keeps the supervision log every day this week", "{carer}"),
         ("Supervision plan kept at every visit, checked with {adult2}", "{carers}")),
        ("{carer} supervises whenever younger children are present",
         "Supervision plan kept at every contact for 8 weeks running, confirmed by {adult2}",
         "Grown-ups keeping an eye out so everyone stays safe"),
    ),
    "poor_sexual_knowledge": NeedSpec(
        "individual", 5,
        ("{yp}'s poor knowledge of bodies, consent and boundaries", "{yp} does not understand consent or body boundaries"),
        "{yp} has had little sex and relationships education and could not explain consent or which "
        "touching is not OK.",
        "Learning about our bodies and asking first",
        "Assessment: could not name private parts or explain consent; said '{victim} didn't say no'.",
        "Curious and asks good questions in sessions.",
        (3, "Doesn't understand consent -> did not see the harm as wrong"),
        (),
        ("sex_consent_education", "Sex, consent and body boundaries sessions for {yp}", "Therapist with {yp}; {carer} joins",
         "Weekly", "4,6", 4, 14),
        (("{yp} completes the body-map session", "{yp}"),
         ("{yp} names the private parts and the body safety rules", "{yp}"),
         ("{yp} explains what consent means in {his} own words", "{yp}"),
         ("{yp} sorts ten situations into OK and not-OK touching and says why", "{yp}"),
         ("{yp} and {carer} go through the 'growing up' booklet together", "{yp} and {carer}")),
        ("{yp} can explain consent and body boundaries in {his} own words",
         "Explains the body safety rules and consent without prompts to the therapist and {carer}",
         "Knowing about our bodies and asking first"),
    ),
    "poor_emotional_regulation": NeedSpec(
        "individual", 3,
        ("{yp} struggles to calm down when upset", "{yp} explodes quickly when angry"),
        "{yp} shouts, slams doors and sometimes hits out when frustrated, and has no plan for calming down.",
        "Finding calm ways to handle big feelings",
        "Two or three incidents a week logged at home; detentions at school for outbursts.",
        "Calms quickly with a trusted adult.",
        (1, "Big feelings with no outlet -> impulsive behaviour"),
        (("low_family_warmth", 2, "{yp}'s outbursts -> {carer} shouts back and withdraws"),),
        ("other", "Calm-down plan and emotion coaching for {yp}", "Therapist with {yp} and {carer}",
         "Weekly", "4,6", 3, 12),
        (("{yp} makes a calm-down card with the therapist", "{yp}"),
         ("{yp} uses the calm-down card at least twice when angry", "{yp}"),
         ("{yp} and {carer} practise the calm-down plan when both are calm", "{yp} and {carer}"),
         ("{yp} tells a trusted adult at school when {he} feels wound up", "{yp}")),
        ("{yp} uses a calm-down plan when upset",
         "Uses the plan in 4 of 5 flashpoints logged at home and school for 4 weeks",
         "Finding calm ways to handle big feelings"),
    ),
    "own_victimisation": NeedSpec(
        "individual", 2,
        ("{yp}'s own experience of trauma", "{yp} witnessed domestic abuse when younger"),
        "{yp} lived with domestic abuse until age eight and has never had help with it; nightmares and "
        "jumpiness continue.",
        "Getting help with hard things that happened before",
        "Social care records; {carer}'s account; {yp} startles easily.",
        "No contact with the former partner for four years.",
        (1, "Unprocessed trauma -> confused ideas about power and touch"),
        (("poor_emotional_regulation", 2, "Trauma -> quick to feel threatened and explode"),),
        ("other", "Referral to CAMHS for trauma-focused therapy", "Therapist with {carer} and CAMHS", "Fortnightly",
         "1,6", 4, 16),
        (("{carer} completes the CAMHS referral form with the therapist", "{carer}"),
         ("{yp} attends the CAMHS assessment", "{yp} and {carer}"),
         ("{carer} uses the bedtime routine on five nights", "{carer}")),
    ),
    "online_sexual_content": NeedSpec(
        "individual", 4,
        ("Unsupervised phone use at night, including pornography", "{yp} watches pornography on an unsupervised phone"),
        "{yp} has a phone in {his} bedroom at night with no filters and has watched pornography since "
        "about age ten.",
        "Staying safe online, with grown-ups helping",
        "Browsing history seen by police; {yp} says 'everyone watches it'.",
        "Agreed to hand the phone in at night.",
        (2, "Pornography -> ideas about sex that leave out consent"),
        (),
        ("safety_planning", "Online safety plan: device rules and filters", "{carers} with {yp}", "Daily; checked weekly",
         "4,8", 1, 20),
        (("{carer} sets up filters on every device at home", "{carer}"),
         ("Phone handed in downstairs by 9pm every night", "{yp}"),
         ("{carer} and {yp} do a weekly phone check together", "{carer} and {yp}"),
         ("{yp} explains to {carer} why pornography is not a guide to real relationships", "{yp}")),
        ("Phone and internet rules are kept every day",
         "Device checks show no breaches for 8 weeks; devices downstairs after 9pm",
         "Staying safe online, with grown-ups helping"),
    ),
    "youth_denial": NeedSpec(
        "individual", 4,
        ("{yp} denies or plays down what {he} did", "{yp} says it 'wasn't a big deal'"),
        "{yp} accepts something happened but says it was {victim}'s idea or 'not a big deal'.",
        "Being able to talk about what happened",
        "Police interview and first sessions: shifts blame, gets angry when pressed.",
        "Has admitted more detail as trust has grown.",
        (2, "Not owning the harm -> no reason to change"),
        (),
        ("clarification_apology", "Clarification work with {yp}: taking responsibility", "Therapist with {yp} and {carer}",
         "Weekly", "3,5", 8, 14),
        (("{yp} writes a timeline of what happened with the therapist", "{yp}"),
         ("{yp} names one thing {he} did that was harmful", "{yp}"),
         ("{yp} tells {carer} what happened without blaming {victim}", "{yp}")),
        ("{yp} takes responsibility for the harm and understands its impact",
         "Completes clarification work; {his} account matches the referral",
         "Being able to talk about what happened"),
    ),
    "limited_victim_awareness": NeedSpec(
        "individual", 3,
        ("{yp} has little sense of how {victim} was affected", "Limited understanding of the impact on {victim}"),
        "{yp} struggles to imagine how the harm felt for {victim} and focuses on the trouble it caused {him}.",
        "Knowing how other people feel",
        "Says 'it's me that's been punished'; could not name any effect on {victim}.",
        "Shows empathy for animals and younger cousins.",
        (2, "Can't see the impact -> little to stop {him}"),
        (),
        ("clarification_apology", "Victim-awareness and, if agreed, apology work", "Therapist with {yp}",
         "Weekly", "3,5", 10, 12),
        (("{yp} names three feelings someone might have after being harmed", "{yp}"),
         ("{yp} writes about the harm from {victim}'s point of view", "{yp}"),
         ("{yp} drafts a letter of responsibility (not sent)", "{yp}")),
    ),
    "poor_sex_communication": NeedSpec(
        "family", 4,
        ("The family finds it hard to talk about sex and bodies", "Sex and bodies are never talked about at home"),
        "Nobody at home talks about bodies, puberty or relationships; {carer} says 'we don't do that in this house'.",
        "Being able to talk about bodies and growing up at home",
        "{carer}: 'I wouldn't know where to start'. {yp} learnt everything from friends and online.",
        "{carer} has asked for help with what to say.",
        None,
        (("poor_sexual_knowledge", 2, "Nothing said at home -> {yp} fills the gaps from friends and online"),),
        ("family_communication", "Helping the family talk about bodies and relationships", "{everyone}",
         "Weekly", "4,6,9", 8, 14),
        (("{carer} practises the 'growing up' talk with the therapist", "{carer}"),
         ("{carer} starts one short conversation about bodies with {yp}", "{carer}"),
         ("Family meeting held at the kitchen table", "{carers}")),
        ("The family can talk about bodies, relationships and safety",
         "Weekly family meeting held without the therapist for 4 weeks",
         "Being able to talk about bodies and growing up at home"),
    ),
    "harsh_inconsistent_discipline": NeedSpec(
        "family", 3,
        ("Harsh, shouting-based discipline at home", "Discipline swings between shouting and giving in"),
        "Rules change from day to day; consequences are shouting or long groundings, then dropped.",
        "Clear, fair and calm rules at home",
        "{carer} describes 'losing it' most days; {yp} says rules are 'random'.",
        "{carer} wants a calmer home.",
        None,
        (("low_family_warmth", 2, "Shouting and threats -> {yp} avoids {carer}"),
         ("poor_emotional_regulation", 1, "Shouting at home -> {yp} learns to shout back")),
        ("caregiver_education", "Calm, consistent house rules and consequences", "Therapist with {carers}",
         "Weekly", "4,7", 5, 12),
        (("Three house rules agreed and written up by {carers}", "{carers}"),
         ("{carer} uses the agreed consequence without shouting twice this week", "{carer}"),
         ("{carer} praises {yp} for keeping a rule every day", "{carer}")),
        ("{carer} uses calm, consistent consequences",
         "House-rules chart followed on 5 days a week for 4 weeks",
         "Clear, fair and calm rules at home"),
    ),
    "caregiver_stress": NeedSpec(
        "family", 3,
        ("{carer} is exhausted and stretched thin", "{carer}'s low mood and stress"),
        "{carer} works long shifts, cares for a relative and has low mood; supervision slips when {carer} is worn out.",
        "Grown-ups getting support so they feel less stressed",
        "{carer} scores high on the stress questionnaire; GP has prescribed antidepressants.",
        "{carer} keeps every appointment despite everything.",
        None,
        (("loose_supervision", 2, "{carer} worn out -> supervision slips in the evenings"),),
        ("other", "Support for {carer}: GP, carers' group and practical help", "Therapist with {carer}",
         "Fortnightly", "2,9", 2, 18),
        (("{carer} books a GP appointment", "{carer}"),
         ("{carer} has one hour a week to themselves while {adult2} supervises", "{carer}"),
         ("{carer} goes to the carers' group once", "{carer}")),
        ("{carer} has regular support and a weekly break",
         "A weekly break kept for 6 weeks; stress score down", "Grown-ups getting support so they feel less stressed"),
    ),
    "domestic_conflict": NeedSpec(
        "family", 3,
        ("Arguments between {carer} and {carer2}", "Conflict between the adults at home"),
        "{carer} and {carer2} argue loudly several times a week, often about {yp}; the children hear it.",
        "Grown-ups getting along more calmly at home",
        "Both describe frequent rows; police called once last year.",
        "No violence reported since; both want to stay together.",
        None,
        (("loose_supervision", 2, "Adults arguing -> nobody is watching the children"),
         ("low_family_warmth", 1, "Tension between the adults -> little warmth for {yp}")),
        ("family_communication", "Calmer conflict between {carer} and {carer2}", "{carer} and {carer2}",
         "Weekly", "1,4", 4, 14),
        (("{carer} and {carer2} agree a time-out signal", "{carer} and {carer2}"),
         ("{carer} and {carer2} hold a 15-minute planning chat away from the children", "{carer} and {carer2}"),
         ("No arguments in front of the children this week", "{carer} and {carer2}")),
        ("{carer} and {carer2} settle disagreements without shouting in front of the children",
         "No rows in front of the children for 6 weeks (both report)", "Grown-ups getting along more calmly at home"),
        ("carer2",),
    ),
    "crowded_housing": NeedSpec(
        "family", 2,
        ("{yp} shares a bedroom with younger children", "Overcrowded flat: {yp} shares a room with {sib}"),
        "The family live in a two-bedroom flat; {yp} shares a bedroom with younger children and there is "
        "no private space.",
        "Everyone having a safe, private space to sleep",
        "Home visit; housing register letter.",
        "Housing officer has raised their priority.",
        (2, "Shared bedroom -> time alone with younger children at night"),
        (),
        ("safety_planning", "Sleeping arrangements plan and letter to housing", "{carers} with the housing officer",
         "Nightly", "1,8", 1, 30),
        (("{yp} sleeps in the living room, not the shared bedroom, every night", "{carers}"),
         ("Bedroom doors stay open at night all week", "{carers}"),
         ("{carer} sends the housing letter", "{carer}")),
        None,
        ("sib",),
    ),
    "sibling_exposure": NeedSpec(
        "family", 3,
        ("{sib2} was exposed to the harm", "{sib2} is confused and worried after what happened"),
        "{sib2} knew about the harm and was asked to keep it secret; {sib2} may be worried and needs a "
        "chance to talk.",
        "Making sure brothers and sisters feel safe and looked after",
        "{sib2} told the social worker '{yp} said not to tell'.",
        "{sib2} is doing well at school.",
        (1, "Secrecy between the children -> the harm went unnoticed"),
        (),
        ("other", "Wellbeing check and support for {sib2}", "Therapist with {carer} and {sib2}", "Weekly check-in",
         "2,6", 2, 10),
        (("{carer} asks {sib2} how things are at bedtime using feelings cards", "{carer}"),
         ("{carer} tells {sib2} it was right to tell", "{carer}"),
         ("{sib2} goes to a session with the school wellbeing worker", "{carer}")),
        None,
        ("sib2",),
    ),
    "peer_isolation": NeedSpec(
        "peers", 3,
        ("Few friends of {his} own age", "{yp} is isolated from children {his} own age"),
        "{yp} has no friends {his} own age outside school and is often alone at lunch.",
        "Making and keeping good friends",
        "Names no friends; school say {he} is alone at breaks.",
        "Gets on with classmates in group work.",
        (1, "No same-age friends -> more time with younger children"),
        (),
        ("peers", "Building same-age friendships", "Therapist with {yp}, {carer} and school",
         "Weekly", "2,9", 6, 16),
        (("{yp} chooses a club to try", "{yp}"),
         ("{yp} goes to the club taster session", "{yp} and {carer}"),
         ("{yp} invites a classmate round, with {carer} at home", "{yp} and {carer}")),
        ("{yp} spends time each week with friends {his} own age",
         "Goes to a supervised club weekly for 8 weeks", "Having fun with people your own age"),
    ),
    "younger_child_contact": NeedSpec(
        "peers", 4,
        ("Spends most free time with much younger children", "{yp} mostly plays with children several years younger"),
        "{yp} spends evenings and weekends playing with much younger children on the estate.",
        "Having fun with people your own age",
        "Neighbours and {carer} describe {him} as 'the big kid everyone follows'.",
        "Has started going to a youth club with peers.",
        (2, "Time with much younger children -> the chance for harm"),
        (),
        ("peers", "Moving free time towards same-age activities", "Therapist with {yp} and {carer}", "Weekly",
         "2,9", 4, 16),
        (("{carer} and {yp} list three activities with children {his} own age", "{carer} and {yp}"),
         ("{yp} goes to youth club twice this week", "{yp}"),
         ("{yp} spends no unsupervised time with younger children this week", "{yp} and {carer}")),
        ("{yp} spends time each week with friends {his} own age",
         "Goes to a supervised same-age activity weekly for 8 weeks", "Having fun with people your own age"),
    ),
    "deviant_peers": NeedSpec(
        "peers", 3,
        ("Friendships with older peers who share sexual images", "{yp}'s friendship group treats sexual images as a joke"),
        "{yp}'s friends pass round sexual images and pressure each other to get them; status in the group "
        "depends on it.",
        "Spending time with friends who are a good influence",
        "Group chat seen by school; two friends excluded for the same behaviour.",
        "{yp} has one friend outside the group who plays rugby.",
        (2, "Group status from sexual images -> pressure to get them"),
        (),
        ("peers", "Monitoring friendships and linking to a prosocial activity", "{carer} with {yp} and school",
         "Weekly", "2,9", 4, 16),
        (("{carer} knows where {yp} is and who with every evening this week", "{carer}"),
         ("{yp} leaves the group chat", "{yp}"),
         ("{yp} goes to the sports training session", "{yp}")),
        ("{yp} spends time each week with friends {his} own age",
         "Goes to a supervised club weekly for 8 weeks; no contact with the group chat",
         "Having fun with people your own age"),
    ),
    "low_school_bonding": NeedSpec(
        "school", 3,
        ("Not in full-time school since a fixed-term exclusion", "{yp} is on a part-time timetable at school"),
        "{yp} has been on a part-time timetable since the referral and spends afternoons at home, often unsupervised.",
        "Feeling part of school and going every day",
        "Attendance 52% this term; timetable letter from school.",
        "School want {him} back full time with a plan.",
        None,
        (("loose_supervision", 2, "Afternoons at home -> unsupervised time"),
         ("peer_isolation", 1, "Out of school -> cut off from classmates")),
        ("school_liaison", "Return-to-school plan with the school", "Therapist with {carer} and {school}",
         "Fortnightly", "8,9", 2, 14),
        (("{carer} and {school} agree a return-to-school timetable", "{carer}"),
         ("{yp} attends every timetabled lesson this week", "{yp}"),
         ("{yp} adds one afternoon to {his} timetable", "{yp} and {school}")),
        ("{yp} attends school full time",
         "95% attendance for 6 weeks, no exclusions", "Going to school every day"),
    ),
    "unsupervised_school_times": NeedSpec(
        "school", 4,
        ("Unstructured times at school are poorly supervised", "No plan for break and lunch times at school"),
        "Breaks, lunch and toilet trips are not supervised and the harm at school happened at these times.",
        "Having a safe plan for breaks at school",
        "School incident log: all incidents at break or in the toilets.",
        "School has agreed to a plan in principle.",
        (3, "No adult at breaks -> the chance for harm at school"),
        (),
        ("school_liaison", "Break- and lunch-time supervision plan with school", "Therapist with {school}",
         "Fortnightly", "8,9", 1, 24),
        (("{school} and the therapist write the break-time plan", "Therapist and school"),
         ("{yp} uses the staff toilets and spends lunch in the library club", "{yp}"),
         ("{yp} checks in with {school} every morning this week", "{yp}")),
        None,
    ),
    "community_hostility": NeedSpec(
        "community", 2,
        ("Neighbours hostile since the disclosure", "Hostility from neighbours after the referral became known"),
        "Word spread on the estate; the family have had abuse shouted at them and {yp} is afraid to go out.",
        "Feeling safe and welcome in our neighbourhood",
        "Two incidents reported to police; messages on a local social media group.",
        "Most neighbours are unaware; a neighbour offered support.",
        None,
        (("caregiver_stress", 2, "Abuse from neighbours -> {carer} frightened and exhausted"),
         ("peer_isolation", 1, "Afraid to go out -> {yp} stays in")),
        ("other", "Community safety meeting with police and housing", "Therapist with {carer}, police and housing",
         "Once, then as needed", "8", 6, 6),
        (("{carer} reports each incident to the housing officer", "{carer}"),
         ("{carer} agrees a safe route to school for {yp}", "{carer}")),
        None,
    ),
    "unsupervised_community_time": NeedSpec(
        "community", 4,
        ("Unsupervised time out on the estate", "{yp} is out for hours with no adult knowing where"),
        "{yp} is out on the estate after school and at weekends with no check-ins, often where younger "
        "children play.",
        "Having a plan for time spent out and about",
        "{carer} often does not know where {yp} is; the harm happened in a play area.",
        "{yp} comes home on time when asked.",
        (2, "Out with no adult -> the chance for harm"),
        (),
        ("safety_planning", "Plan for time out in the neighbourhood", "{carers} with {yp}", "Daily", "4,8", 1, 20),
        (("{yp} tells {carer} where {he} is going and who with, every time", "{yp}"),
         ("{yp} is home by the agreed time every day this week", "{yp}"),
         ("{carer} phones to check in twice during time out", "{carer}")),
        ("{yp} keeps to the plan for time out of the house",
         "Every outing logged and on time for 8 weeks", "Having a plan for time spent out and about"),
    ),
}

# key, system, names, description, family wording, evidence, links to needs
STRENGTHS: dict[str, tuple[str, tuple[str, ...], str, str, str, tuple[tuple[str, int, str], ...]]] = {
    "caregiver_commitment_home": (
        "family", ("{carer} is committed to keeping {yp} at home", "{carer} wants {yp} to stay at home"),
        "{carer} is clear that {yp} belongs at home and will do what it takes to keep {him} there.",
        "Your family wants you to stay at home together",
        "Said at every meeting; rearranged work to be home after school.",
        (("loose_supervision", 2, "Wants {yp} at home -> motivated to keep the safety plan"),),
    ),
    "supportive_extended_family": (
        "family", ("Supportive {helper_rel} nearby", "{adult2} helps with supervision"),
        "{adult2} lives nearby, sees the children most days and can be the second adult.",
        "Family members who help and care",
        "Agreed to the safety plan; trusted by social care.",
        (("loose_supervision", 2, "{adult2} as second adult -> children never alone"),
         ("caregiver_stress", 1, "Help from {adult2} -> {carer} gets a break")),
    ),
    "caregiver_engaged": (
        "family", ("{carer} engages well with the therapist", "The family keep every appointment"),
        "{carer} is open with the therapist, does the homework and asks for help early.",
        "Grown-ups working hard with the team",
        "Attended every session; completed all homework so far.",
        (("caregiver_minimises_harm", 1, "Engaged -> open to hearing about the harm"),),
    ),
    "youth_prosocial_interest": (
        "individual", ("{yp} loves drawing and is proud of it", "{yp} is good at music and plays the drums",
                       "{yp} is a keen cook"),
        "{yp} has a real talent that gives {him} pride and a way to connect with adults.",
        "Something you enjoy and are good at",
        "Work shown in session; praised by school.",
        (),
    ),
    "youth_open_to_help": (
        "individual", ("{yp} is willing to talk and accept help", "{yp} has begun to talk honestly about what happened"),
        "{yp} comes to sessions, answers honestly and says {he} wants things to be different.",
        "Being willing to talk and try new things",
        "Engaged in every individual session.",
        (("youth_denial", 1, "Willing to talk -> denial easing"),),
    ),
    "prosocial_club": (
        "peers", ("{yp} enjoys football club and trusts the coach", "{yp} goes to cadets every week",
                  "{yp} is in the boxing club"),
        "A weekly club gives {yp} same-age friends and an adult {he} respects.",
        "Being part of a club or team",
        "Attends every week; coach knows the safety plan.",
        (("peer_isolation", 2, "Club -> friends {his} own age"),
         ("younger_child_contact", 2, "Club -> less time with younger children")),
    ),
    "engages_at_school": (
        "school", ("{yp} engages well at school", "{yp} attends school every day"),
        "{yp} attends well and is settled in lessons.",
        "Getting on well at school",
        "Attendance above 95%; positive reports.",
        (),
    ),
    "trusted_school_adult": (
        "school", ("A teacher {yp} trusts checks in daily", "{yp} trusts {school}"),
        "{school} knows the safety plan and checks in with {yp} every morning.",
        "Having a grown-up at school you can talk to",
        "{yp} names {school} as someone {he} can talk to.",
        (("unsupervised_school_times", 2, "Daily check-in -> breaks planned and watched"),),
    ),
    "community_support": (
        "community", ("The family's church offers practical support", "A local family centre supports {carer}"),
        "People in the community know the family and help with lifts, childcare and company.",
        "People nearby who help and care",
        "Named by {carer} as a source of support.",
        (("caregiver_stress", 1, "Community support -> {carer} less alone"),),
    ),
}


@dataclass(frozen=True)
class Scenario:
    summary: str
    description: str
    frequency: str
    intensity: str
    duration: str
    hackett: str
    brook: str
    victim_relation: str  # sibling, cousin, neighbour, family_friend, classmate, younger_pupil, acquaintance, peer
    victim_age: tuple[int, int]  # offset range from the young person's age (negative: younger)
    core: tuple[str, ...]
    victims: int = 1


SCENARIOS: dict[str, Scenario] = {
    "sibling": Scenario(
        "Sexually touched {his} younger {vword} {victim} ({vage}) at home on several occasions",
        "{victim} told {carer} that {yp} had touched {vhis} private parts in {his} bedroom 'lots of times' over "
        "several months. {yp} first denied it, then called it 'a game'. The police took no further action "
        "because of {his} age; children's social care opened a child protection plan.",
        "At least four occasions over about five months", "Touching under clothing; the younger child asked to keep it secret",
        "About five months before disclosure", "abusive", "red", "sibling", (-8, -4),
        ("loose_supervision", "poor_sexual_knowledge", "crowded_housing"),
    ),
    "cousin": Scenario(
        "Sexually touched {his} cousin {victim} ({vage}) during family visits",
        "{victim} told {vhis} mother that {yp} had touched {vhis} private parts when the families visited each "
        "other, on several occasions. The adults were downstairs; the children were upstairs alone. Police "
        "took no further action; social care referred the family.",
        "Three or more occasions over several months", "Touching over and under clothing",
        "Several months before disclosure", "abusive", "red", "cousin", (-7, -4),
        ("loose_supervision", "caregiver_minimises_harm"),
    ),
    "online": Scenario(
        "Pressured a classmate into sending nude images, then shared them with other pupils",
        "{yp} messaged {victim}, a classmate, repeatedly over three weeks asking for nude images, saying {he} "
        "would tell people she was 'frigid' if she did not. When she sent one, {he} shared it in a group "
        "chat. School reported it to police; the images were removed.",
        "Daily messages over three weeks; one image shared with about 20 pupils",
        "Persistent pressure and threats; non-consensual sharing", "Three weeks", "abusive", "red",
        "classmate", (0, 0), ("online_sexual_content", "deviant_peers", "limited_victim_awareness"),
    ),
    "school": Scenario(
        "Repeated sexualised touching of younger pupils at break times",
        "Over a term, school logged several incidents of {yp} touching younger pupils' bottoms and genitals "
        "over clothing in the toilets and playground, despite warnings. Parents of two children complained.",
        "Five incidents logged in one term", "Touching over clothing; continued after warnings", "One school term",
        "problematic", "amber", "younger_pupil", (-3, -2), ("unsupervised_school_times", "poor_sexual_knowledge"),
        victims=2,
    ),
    "neighbour": Scenario(
        "Sexually touched a younger neighbour's child ({vage}) while playing outside",
        "{victim}, a neighbour's child, told {vhis} parent that {yp} had taken {vher} behind the garages and "
        "touched {vhis} private parts, twice. {yp} often played with younger children on the estate.",
        "Two occasions in a month", "Touching under clothing; isolated the child from the group",
        "About a month", "abusive", "red", "neighbour", (-8, -5), ("unsupervised_community_time", "younger_child_contact"),
    ),
    "babysit": Scenario(
        "Sexually harmed a young child ({vage}) {he} was babysitting",
        "While babysitting {victim}, the child of a family friend, {yp} touched {vhis} private parts and "
        "filmed it on {his} phone. The film was found by {vhis} mother. Police seized the phone; {yp} received "
        "a youth caution and social care referred the family.",
        "At least two occasions", "Touching and filming", "About six weeks", "abusive", "red", "family_friend",
        (-11, -9), ("loose_supervision", "caregiver_stress", "own_victimisation"),
    ),
    "peer_coercion": Scenario(
        "Coerced a younger teenager ({vage}) into sexual activity at a party",
        "At a party {yp} gave {victim}, who was {vage}, alcohol and pressured {vher} into sexual activity in "
        "a bedroom despite {vhis} saying {vshe} wanted to leave. {yp} is on police bail pending a decision.",
        "One occasion", "Pressure, alcohol and ignoring refusal", "One evening", "abusive", "red", "acquaintance",
        (-3, -2), ("deviant_peers", "youth_denial", "limited_victim_awareness"),
    ),
    "violent": Scenario(
        "Sexually assaulted a peer ({vage}), using force, in a park",
        "{yp} held {victim}, a girl from {his} year, down in a park and touched her sexually while she "
        "struggled; a passer-by intervened. {yp} was arrested; the youth court imposed a referral order with "
        "MST-PSB as a condition.",
        "One occasion", "Physical force and restraint", "One evening", "violent", "red", "peer", (-1, 0),
        ("poor_emotional_regulation", "own_victimisation", "youth_denial"),
    ),
    "inappropriate": Scenario(
        "Sexualised comments and grabbing at classmates, despite warnings",
        "{yp} repeatedly made sexual comments to classmates and grabbed at their bottoms and chests, copying "
        "things {he} had seen online. Warnings and a fixed-term exclusion did not stop it.",
        "Several times a week for a term", "Comments and grabbing over clothing", "About a term",
        "inappropriate", "amber", "classmate", (0, 0), ("poor_sexual_knowledge", "online_sexual_content"),
        victims=2,
    ),
}

# alias, age, sex, scenario, household, therapist, weeks ago, planned weeks, flags
OPEN_CASES: tuple[tuple[str, int, str, str, str, str, int, int, frozenset[str]], ...] = (
    ("Kai", 13, "m", "cousin", "mum_partner", "therapist", 27, 30, frozenset({"on_track"})),
    ("Callum", 15, "m", "online", "both", "therapist", 9, 30, frozenset({"stall"})),
    ("Amira", 12, "f", "sibling", "mum", "therapist", 3, 28, frozenset()),
    ("Jayden", 14, "m", "babysit", "mum", "therapist2", 17, 30, frozenset({"overdue"})),
    ("Oskar", 10, "m", "school", "dad_partner", "therapist2", 12, 26, frozenset({"draft"})),
    ("Tyrese", 12, "m", "neighbour", "gran", "therapist2", 1, 30, frozenset()),
    ("Harvey", 11, "m", "sibling", "both", "a.kowalski", 20, 30, frozenset({"on_track", "draft"})),
    ("Bilal", 16, "m", "peer_coercion", "both", "a.kowalski", 6, 30, frozenset()),
    ("Ellie", 14, "f", "babysit", "mum", "a.kowalski", 25, 28, frozenset({"draft"})),
    ("Reece", 15, "m", "violent", "mum", "m.osei", 14, 30, frozenset({"stall"})),
    ("Kacper", 12, "m", "cousin", "both", "m.osei", 22, 30, frozenset({"draft"})),
    ("Dylan", 10, "m", "inappropriate", "mum", "m.osei", 5, 24, frozenset()),
    ("Mohammed", 13, "m", "sibling", "both", "l.chen", 19, 30, frozenset({"overdue"})),
    ("Riley", 14, "m", "neighbour", "dad", "l.chen", 8, 30, frozenset({"on_track"})),
    ("Kayla", 13, "f", "sibling", "mum_partner", "l.chen", 29, 30, frozenset({"on_track"})),
    ("Lewis", 11, "m", "school", "mum", "r.evans", 11, 30, frozenset({"stall"})),
    ("Zain", 14, "m", "online", "both", "r.evans", 2, 30, frozenset()),
)

# alias, age, sex, scenario, household, therapist, months ago, weeks run, planned weeks, early-closure reason
CLOSED_CASES: tuple[tuple[str, int, str, str, str, str, int, int, int, str | None], ...] = (
    ("Aaron", 14, "m", "cousin", "dad", "therapist", 9, 28, 30, None),
    ("Chloe", 13, "f", "sibling", "mum", "therapist", 16, 26, 30, None),
    ("Ethan", 12, "m", "school", "both", "therapist", 27, 30, 30, None),
    ("Connor", 15, "m", "online", "mum_partner", "therapist", 41, 16, 30, "moved"),
    ("Alfie", 11, "m", "sibling", "both", "therapist2", 11, 27, 30, None),
    ("Mason", 16, "m", "peer_coercion", "mum", "therapist2", 22, 30, 30, None),
    ("Toby", 10, "m", "inappropriate", "gran", "therapist2", 35, 22, 24, None),
    ("Luca", 13, "m", "neighbour", "both", "a.kowalski", 13, 29, 30, None),
    ("Maya", 14, "f", "babysit", "mum", "a.kowalski", 30, 25, 28, None),
    ("Jack", 12, "m", "cousin", "dad_partner", "a.kowalski", 52, 30, 30, None),
    ("Ryan", 15, "m", "violent", "mum", "m.osei", 10, 14, 30, "incident"),
    ("Kyle", 13, "m", "sibling", "mum_partner", "m.osei", 19, 28, 30, None),
    ("Nathan", 14, "m", "online", "both", "m.osei", 33, 26, 30, None),
    ("Owen", 11, "m", "school", "mum", "m.osei", 58, 24, 26, None),
    ("Josh", 12, "m", "cousin", "both", "l.chen", 8, 30, 30, None),
    ("Liam", 15, "m", "babysit", "dad", "l.chen", 24, 27, 30, None),
    ("Sami", 13, "m", "sibling", "both", "l.chen", 38, 29, 30, None),
    ("Jordan", 14, "m", "neighbour", "gran", "l.chen", 47, 23, 26, None),
    ("Archie", 11, "m", "sibling", "mum", "r.evans", 9, 26, 28, None),
    ("Ben", 16, "m", "peer_coercion", "dad", "r.evans", 14, 28, 30, None),
)

EARLY_CLOSURE = {
    "moved": "The family moved to another county in week {week}; the case was closed and handed over to the "
             "local AIM service and social care team at a joint meeting.",
    "incident": "Closed in week {week} after a further incident at school: {yp} moved to a specialist "
                "residential placement and was referred for an AIM3 assessment.",
}

MOTHERS = ("Donna", "Shanice", "Agnieszka", "Lisa", "Fatima", "Kelly", "Rachel", "Marcia", "Nicola", "Samira",
           "Joanne", "Leanne", "Tracey", "Yasmin", "Gemma", "Bronwen", "Amina", "Stacey")
FATHERS = ("Craig", "Dean", "Imran", "Paul", "Wayne", "Tomasz", "Delroy", "Steve", "Mark", "Lee", "Hassan",
           "Darren", "Anthony", "Kwame", "Rob", "Gareth")
GRANDMOTHERS = ("Maureen", "Linda", "Beverley", "Shirley", "Nasreen", "Carol", "Hyacinth", "Margaret")
CHILDREN_F = ("Ruby", "Lily", "Isla", "Poppy", "Evie", "Zara", "Aisha", "Ivy", "Rosie", "Freya", "Layla", "Millie",
              "Grace", "Hana", "Sophie", "Daisy")
CHILDREN_M = ("Jacob", "Noah", "Freddie", "Leo", "Hamza", "Frankie", "Oliver", "Theo", "Ali", "Louie", "Max",
              "Reggie", "Kian", "Finley")
SOCIAL_WORKERS = ("Ben Adeyemi", "Sarah Whitlock", "Gemma Doyle", "Imran Siddiqui", "Kate Novak", "Joseph Mwangi",
                  "Hannah Price", "Lucy Fernandes", "Tariq Aziz", "Emma Clarke", "Ola Nowak", "Rebecca Shaw")
SCHOOL_STAFF = ("Mrs Patel", "Mr Adams", "Ms Kaur", "Mr O'Neill", "Mrs Brennan", "Mr Mahmood", "Ms Ellis",
                "Mrs Wojcik", "Mr Grant", "Ms Boateng")
SCHOOLS_PRIMARY = ("St Aidan's Primary", "Brookfield Primary", "Canal Side Primary", "Moorland Primary")
SCHOOLS_SECONDARY = ("Hollins Park Academy", "Riverside Community College", "Northgate Academy",
                     "St Bede's High School", "Castle Vale School")

OUTCOMES_CARER = (
    "I want {yp} to stay at home and for us to get back to normal.",
    "I want to know it won't happen again and that I'll spot it if something's wrong.",
    "I want social services out of our lives, and the kids safe.",
    "I want my kids to be able to be in the same room without me panicking.",
    "I just want us to be a family again.",
)
OUTCOMES_PARTNER = (
    "I want to help keep everyone safe and for {carer} to be less stressed.",
    "I want clear rules we both stick to.",
)
OUTCOMES_YP = (
    "I want everyone to stop treating me like I'm bad.",
    "I want to go back to normal school and see my mates.",
    "I want {carer} to trust me again.",
    "I want to get my phone back and stop having meetings.",
    "I want to stay at home.",
)
OUTCOMES_SW = (
    "I need to see a safety plan the family keep to without me checking, so we can step down from child protection.",
    "I need the other children to be safe and {carer} to understand the risks.",
    "I want {yp} to stay at home safely, with the family able to spot warning signs themselves.",
)
OUTCOMES_SCHOOL = (
    "We want {yp} in full-time lessons with a clear plan for break times.",
    "We want everyone at school to know what to do so {yp} and the other pupils are safe.",
)
OUTCOMES_ADULT2 = ("I want to help however I can, but I need to know what to look out for.",)

ENGAGEMENT_GOALS = (
    ("The family attend the first three sessions at home", "{carers}"),
    ("{carer} and the therapist draw the fit circle together", "{carer}"),
    ("Family decides who will be told about the safety plan", "{carers}"),
)
PHASE_ADVANCES = {
    "start": (
        "Engagement sessions at home with {everyone}; everyone attended.",
        "Fit circle drawn with {carer}; the family chose the first drivers to work on.",
        "Safety plan written with the family and shared with {sw} and school.",
    ),
    "middle": (
        "Three sessions at home this week, one with {yp} alone.",
        "Good session with {carers}: practised the week's goals in role play.",
        "Joint visit with {sw}; the safety plan was reviewed and kept.",
        "{carer} led part of the session for the first time.",
        "Liaison meeting with school to check the safety plan at school.",
        "Two sessions at home and a phone check-in with {carer}.",
    ),
    "end": (
        "Sessions tapered to twice a week; the family ran their own family meeting.",
        "Relapse-prevention plan reviewed with {everyone}.",
        "Closure planning: who keeps the safety plan going after MST ends.",
        "{carer} described the plan to {sw} without prompting.",
    ),
}
FAMILY_REASONS = (
    "{carer} said the week was too busy with work",
    "{yp} refused the Thursday session",
    "illness at home meant two sessions were cancelled",
    "{carer} forgot, then did it once",
    "{carer} does not yet see the point of it",
    "a family crisis took over the week",
)
THERAPIST_BARRIERS = (
    "Therapist on leave for two days; only two sessions this week.",
    "Therapist's session plan was too ambitious; goals to be smaller next week.",
    "Therapist had not rehearsed the consent material with {carer} before the joint session.",
    "Covered by a colleague on Tuesday; handover was thin.",
)
SYSTEM_BARRIERS = (
    "Core group meeting moved at short notice.",
    "School's safeguarding lead off sick; liaison delayed.",
    "Social worker changed; handover pending.",
    "Housing appointment cancelled by the council.",
    "CAMHS waiting list is twelve weeks.",
    "Police still have {yp}'s phone; no update on timescales.",
)


# =========================================================================== a generic case


def _pronouns(sex: str) -> dict[str, str]:
    if sex == "f":
        return dict(he="she", him="her", his="her", himself="herself", He="She", His="Her")
    return dict(he="he", him="him", his="his", himself="himself", He="He", His="His")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Fmt(dict):
    def __missing__(self, key: str) -> str:  # pragma: no cover - a typo in a template
        raise KeyError(f"demo template placeholder {{{key}}} has no value")


def _generic_plan(
    rng: random.Random,
    *,
    alias: str,
    age: int,
    sex: str,
    scenario_key: str,
    household: str,
    therapist: str,
    team: int,
    start: date,
    planned: int,
    today: date,
    status: str,
    flags: frozenset[str],
    ran: int | None = None,
    early: str | None = None,
    closed_on: date | None = None,
) -> CasePlan:
    scenario = SCENARIOS[scenario_key]
    ctx = _Fmt(yp=alias, **_pronouns(sex))

    # ---- the household and the people around it
    participants: list[ParticipantPlan] = []
    mother, father = rng.choice(MOTHERS), rng.choice(FATHERS)
    if household == "mum":
        carers = [(mother, "mother", "Mum")]
    elif household == "dad":
        carers = [(father, "father", "Dad")]
    elif household == "both":
        carers = [(mother, "mother", "Mum"), (father, "father", "Dad")]
        if rng.random() < 0.4:
            carers.reverse()
    elif household == "mum_partner":
        carers = [(mother, "mother", "Mum"), (father, "Mum's partner", father)]
    elif household == "dad_partner":
        carers = [(father, "father", "Dad"), (mother, "Dad's partner", mother)]
    else:  # gran: kinship care
        gran = rng.choice(GRANDMOTHERS)
        carers = [(gran, "grandmother and kinship carer", "Nan")]
    ctx["carer"] = carers[0][2]
    ctx["carer2"] = carers[1][2] if len(carers) > 1 else ""
    ctx["carers"] = " and ".join(c[2] for c in carers)
    ctx["everyone"] = ", ".join(c[2] for c in carers) + f" and {alias}"
    has_carer2 = len(carers) > 1

    helper: tuple[str, str, str] | None = None  # name, relation, what the family calls them
    if household == "gran":
        aunt = rng.choice(MOTHERS)
        helper = (aunt, "aunt", f"Auntie {aunt}")
    elif rng.random() < 0.45:
        helper = (rng.choice(GRANDMOTHERS), "grandmother", "Nan")
    ctx["adult2"] = helper[2] if helper else (carers[1][2] if has_carer2 else "a trusted family friend")
    ctx["helper_rel"] = helper[1] if helper else ""

    used_names = {alias}

    def child_name(female: bool) -> str:
        pool = [n for n in (CHILDREN_F if female else CHILDREN_M) if n not in used_names]
        name = rng.choice(pool)
        used_names.add(name)
        return name

    # victims
    victims: list[tuple[str, str, int, bool]] = []
    for _ in range(scenario.victims):
        lo, hi = scenario.victim_age
        vage = max(3, age + rng.randint(lo, hi))
        female = rng.random() < (0.9 if scenario.victim_relation in ("classmate", "peer", "acquaintance") and sex == "m" else 0.6)
        name = child_name(female)
        rel = {
            "sibling": f"younger {'sister' if female else 'brother'} ({vage})",
            "cousin": f"cousin ({vage})",
            "neighbour": f"neighbour's child ({vage})",
            "family_friend": f"family friend's child ({vage})",
            "classmate": f"classmate ({vage})",
            "younger_pupil": f"younger pupil at school ({vage})",
            "acquaintance": f"acquaintance from a party ({vage})",
            "peer": f"girl from {ctx['his']} year ({vage})",
        }[scenario.victim_relation]
        victims.append((name, rel, vage, female))
    vname, vrel, vage, vfemale = victims[0]
    ctx.update(victim=vname, vage=str(vage), vrel=vrel, vword="sister" if vfemale else "brother",
               vher="her" if vfemale else "him", vhis="her" if vfemale else "his", vshe="she" if vfemale else "he")

    # siblings who were not harmed
    siblings: list[tuple[str, str]] = []
    n_sib = rng.choice((0, 1, 1, 2)) if scenario_key != "sibling" else rng.choice((0, 1, 1))
    for _ in range(n_sib):
        female = rng.random() < 0.5
        sage = max(3, age + rng.choice((-6, -5, -4, -3, -2, 2, 3)))
        word = ("sister" if female else "brother")
        siblings.append((child_name(female), f"{'younger' if sage < age else 'older'} {word} ({sage})"))
    young_sib = [s for s in siblings if s[1].startswith("younger")]
    # {sib}: a younger child at home (the harmed sibling if there is no other); {sib2}: a younger sibling not harmed
    if young_sib:
        ctx["sib"] = young_sib[0][0]
    else:
        ctx["sib"] = vname if scenario_key == "sibling" else "the younger children"
    ctx["sib2"] = young_sib[0][0] if young_sib else ""
    has_sib = bool(young_sib) or scenario_key == "sibling"

    sw = rng.choice([n for n in SOCIAL_WORKERS if n.split()[0] not in {c[0] for c in carers}])
    staff = rng.choice(SCHOOL_STAFF)
    school_name = rng.choice(SCHOOLS_PRIMARY if age <= 10 else SCHOOLS_SECONDARY)
    role_at_school = "class teacher" if age <= 10 else f"Head of Year {min(11, age - 4)}"
    ctx["sw"] = sw.split()[0] + " (social worker)"
    ctx["school"] = staff

    for i, (name, rel, label) in enumerate(carers):
        outcome = rng.choice(OUTCOMES_CARER if i == 0 else OUTCOMES_PARTNER)
        participants.append(ParticipantPlan(name, rel, "caregiver", label, outcome.format_map(ctx)))
    participants.append(ParticipantPlan(alias, "young person", "key_participant", alias,
                                        rng.choice(OUTCOMES_YP).format_map(ctx)))
    for name, rel in siblings:
        participants.append(ParticipantPlan(name, rel, "sibling"))
    for name, rel, _, _ in victims:
        participants.append(ParticipantPlan(name, rel, "victim"))
    if helper is not None:
        participants.append(ParticipantPlan(helper[0], helper[1], "key_participant", helper[2],
                                            rng.choice(OUTCOMES_ADULT2)))
    participants.append(ParticipantPlan(sw, "social worker", "key_participant", "Social worker",
                                        rng.choice(OUTCOMES_SW).format_map(ctx)))
    participants.append(ParticipantPlan(staff, f"{role_at_school}, {school_name}", "key_participant", "School",
                                        rng.choice(OUTCOMES_SCHOOL).format_map(ctx)))

    plan = CasePlan(alias=alias, age=age, therapist=therapist, team=team, start_date=start, planned_weeks=planned,
                    status=status, closed_on=closed_on, participants=participants)
    plan.referral = dict(
        summary=scenario.summary.format_map(ctx),
        description=scenario.description.format_map(ctx)
        + (f" A second child, {victims[1][0]}, was also affected." if len(victims) > 1 else ""),
        frequency=scenario.frequency, intensity=scenario.intensity, duration=scenario.duration,
        hackett_level=scenario.hackett, brook_colour=scenario.brook,
    )

    # ---- the fit circle
    def fits(key: str) -> bool:
        spec = NEEDS[key]
        return (
            ("carer2" not in spec.requires or has_carer2)
            and ("sib" not in spec.requires or has_sib)
            and ("sib2" not in spec.requires or bool(young_sib))
        )

    need_keys = [k for k in scenario.core if fits(k)]
    for key, p in (("caregiver_minimises_harm", 0.7), ("poor_sexual_knowledge", 0.85), ("low_family_warmth", 0.6),
                   ("loose_supervision", 0.6)):
        if key not in need_keys and rng.random() < p:
            need_keys.append(key)
    n_needs = max(len(need_keys), rng.randint(6, 8))
    others = [k for k in NEEDS if k not in need_keys and fits(k) and not (k == "deviant_peers" and age < 13)]
    rng.shuffle(others)
    need_keys += others[: n_needs - len(need_keys)]
    need_keys = need_keys[:8]

    strength_keys = [k for k in STRENGTHS if helper or k != "supportive_extended_family"]
    rng.shuffle(strength_keys)
    n_strengths = 3 if len(need_keys) >= 8 else rng.choice((3, 4))
    clashes = {  # a strength that would contradict a need on the same map
        "engages_at_school": {"low_school_bonding", "unsupervised_school_times"},
        "prosocial_club": {"peer_isolation", "younger_child_contact"},
        "caregiver_engaged": {"caregiver_minimises_harm"},
        "youth_open_to_help": {"youth_denial"},
    }
    strength_keys = [k for k in strength_keys if not clashes.get(k, set()) & set(need_keys)]
    strength_keys = strength_keys[:n_strengths]

    # prioritise: scenario drivers first, then by changeability and intake
    intake = {k: rng.randint(6, 9) if k in scenario.core else rng.randint(4, 8) for k in need_keys}
    ranked = sorted(need_keys, key=lambda k: (k not in scenario.core[:2], -(NEEDS[k].change * intake[k]), k))
    n_pri = min(len(need_keys), rng.choice((3, 4, 4, 5)))
    prioritised = set(ranked[:n_pri])
    for k in prioritised:
        intake[k] = max(intake[k], rng.randint(7, 9))

    horizon = ran if status == "closed" else planned - 2
    last_week = ran if status == "closed" else _current_week(start, today) - 1
    current = (ran + 1) if status == "closed" else _current_week(start, today)
    if "overdue" in flags:
        last_week = current - rng.choice((3, 4))
    stall_key = None
    stall_from = None
    if "stall" in flags:
        stall_key = sorted(prioritised, key=lambda k: (k in scenario.core, k))[0]
        stall_from = max(2, last_week - rng.choice((4, 5)))

    def progress(week: int, begin: int) -> float:
        if week <= begin:
            return 0.0
        p = min(1.0, (week - begin) / max(1, horizon - begin))
        if early:
            p = min(p, 0.35)
        return p ** 0.85

    # Work starts on the top prioritised drivers at once, on the others over the first weeks.
    driver_start = {}
    for key in need_keys:
        s = NEEDS[key].intervention[5]
        if key in ranked[:2]:
            driver_start[key] = rng.randint(1, 2)
        elif key in prioritised:
            driver_start[key] = min(s, 3) + rng.randint(0, 2)
        else:
            driver_start[key] = max(4, s + rng.randint(0, 4))

    for key in need_keys:
        spec = NEEDS[key]
        target = rng.randint(2, 3) if key in prioritised else max(1, intake[key] - rng.randint(2, 4))
        ratings: dict[int, int] = {}
        for week in range(1, last_week + 1):
            if stall_key == key and week > stall_from:
                ratings[week] = ratings[stall_from]
                continue
            value = intake[key] + (target - intake[key]) * progress(week, driver_start[key])
            if week > 1:
                value += rng.choice((-1, 0, 0, 0, 0, 1))
            if early == "incident" and week > last_week - 3:
                value += 1
            ratings[week] = max(1, min(intake[key], round(value)))
        status_h = "hypothesised" if key not in prioritised and rng.random() < 0.25 else "supported"
        plan.drivers.append(DriverPlan(
            key, _cap(rng.choice(spec.names).format_map(ctx)), spec.system, "need",
            spec.description.format_map(ctx), spec.family.format_map(ctx), spec.ev_for.format_map(ctx),
            spec.ev_against.format_map(ctx), spec.change, key in prioritised, status_h, key, ratings,
        ))
    for key in strength_keys:
        system, names, desc, family, evidence, _ = STRENGTHS[key]
        plan.drivers.append(DriverPlan(
            key, _cap(rng.choice(names).format_map(ctx)), system, "strength", desc.format_map(ctx),
            family.format_map(ctx), evidence.format_map(ctx), "", rng.randint(2, 4), False, "supported", key,
        ))

    present = set(need_keys) | set(strength_keys)
    for key in need_keys:
        spec = NEEDS[key]
        if spec.behaviour:
            plan.links.append((key, None, spec.behaviour[0], spec.behaviour[1].format_map(ctx)))
        for target, strength, note in spec.links:
            if target in present:
                plan.links.append((key, target, strength, note.format_map(ctx)))
    for key in strength_keys:
        for target, strength, note in STRENGTHS[key][5]:
            if target in present:
                plan.links.append((key, target, strength, note.format_map(ctx)))
    if not any(target is None for _, target, _, _ in plan.links):  # every map needs a way into the centre
        plan.links.append((ranked[0], None, 2, ""))

    # ---- overall safety scale
    o0 = rng.randint(2, 4)
    if early == "incident":
        o_end = 3
    elif early:
        o_end = 5
    else:
        o_end = rng.choice((7, 7, 8, 8, 8))
    for week in range(1, last_week + 1):
        if stall_key and week > stall_from:
            plan.overall[week] = plan.overall[stall_from]
            continue
        value = o0 + (o_end - o0) * progress(week, 1)
        if 1 < week < last_week:
            value += rng.choice((-1, 0, 0, 0, 1))
        plan.overall[week] = max(0, min(10, round(value)))
    if status == "closed":
        plan.overall[last_week] = o_end

    # ---- interventions
    names_by_key = {d.key: d.name for d in plan.drivers}
    closed_reason = EARLY_CLOSURE[early].format(week=ran, **ctx) if early else None
    for key in need_keys:
        itype, name, who, freq, principles, _s, length = NEEDS[key].intervention
        begin = driver_start[key]
        end = min(planned, begin + length)
        if itype == "safety_planning" and length >= 30:
            end = planned
        if status == "closed":
            end = min(end, ran)
            istatus = "stopped" if early and begin + length > ran else "done"
            if begin > ran:
                continue
        else:
            istatus = _intervention_status(begin, end, current)
        targets = [key] + [k for k in need_keys if k != key and NEEDS[k].intervention[1] == NEEDS[key].intervention[1]]
        description = (f"Works on '{names_by_key[key]}': {who.format_map(ctx)}, {freq.lower()}, from week {begin}. "
                       f"The family's words for it: \"{NEEDS[key].family.format_map(ctx)}\".")
        plan.interventions.append(InterventionPlan(
            itype, name.format_map(ctx), description, who.format_map(ctx), freq, begin, end, principles, targets,
            istatus, ("Case closed early. " + closed_reason) if istatus == "stopped" else None,
        ))

    # ---- overarching goals
    goal_specs = [("No further harmful sexual behaviour",
                   "No new incident reported by family, school or social care for the rest of treatment",
                   "Making sure everyone stays safe", 3.0, [k for k in ranked if NEEDS[k].behaviour][:3] or ranked[:2])]
    seen_texts = {goal_specs[0][0]}
    for key in ranked:
        spec = NEEDS[key]
        if spec.goal is None or len(goal_specs) >= (5 if len(prioritised) >= 4 else 4):
            continue
        text = _cap(spec.goal[0].format_map(ctx))
        if text in seen_texts:
            continue
        seen_texts.add(text)
        goal_specs.append((text, spec.goal[1].format_map(ctx), spec.goal[2].format_map(ctx),
                           rng.choice((1.0, 1.5, 2.0)), [key]))
    for i, (text, criterion, fam, weight, keys) in enumerate(goal_specs):
        if status == "closed":
            if early:
                gstatus, score = rng.choice((("not_met", -1), ("partly_met", -1), ("not_met", -2), ("partly_met", 0)))
                if i == 0:  # a further incident fails the main goal; a move leaves it unproven
                    gstatus, score = ("not_met", -2) if early == "incident" else ("partly_met", 0)
            else:
                gstatus, score = rng.choice((("met", 0), ("met", 1), ("met", 1), ("met", 2), ("partly_met", -1)))
                if i == 0:
                    gstatus, score = "met", rng.choice((0, 1))
        else:
            gstatus, score = "open", None
            if current >= 12 and rng.random() < 0.5:
                score = rng.choice((-1, 0, 0, 1))
            if current >= 20 and i > 0 and rng.random() < 0.4 and "stall" not in flags:
                gstatus, score = "met", rng.choice((0, 1))
        plan.goals.append(GoalPlan("overarching", text, keys, criterion, fam, None, "Family and therapist",
                                   gstatus, weight, score))

    # ---- weekly goals
    steps = {k: [(_cap(t.format_map(ctx)), o.format_map(ctx)) for t, o in NEEDS[k].steps] for k in need_keys}
    pointer = {k: 0 for k in need_keys}
    weekly: dict[int, list[GoalPlan]] = {}
    goal_weeks = last_week + (1 if status == "open" else 0)
    for week in range(1, goal_weeks + 1):
        active = [k for k in ranked if driver_start[k] <= week]
        pri_active = [k for k in active if k in prioritised]
        rest = [k for k in active if k not in prioritised]
        rng.shuffle(rest)
        engagement = {1: ENGAGEMENT_GOALS[:2], 2: ENGAGEMENT_GOALS[2:]}.get(week, ())
        n = max(1, rng.randint(3, 6) - len(engagement))
        chosen = (pri_active + rest)[:n]
        if len(chosen) + len(engagement) < 3:  # first days: start early on the top drivers
            chosen += [k for k in ranked if k not in chosen][: 3 - len(chosen) - len(engagement)]
        late_stall = stall_key is not None and week > last_week - 2
        if late_stall and stall_key not in chosen:
            chosen = [stall_key] + chosen[: n - 1]
        goals = []
        for text, owner in engagement:
            goals.append(GoalPlan("intermediary", text.format_map(ctx), ranked[:1], week=week,
                                  owner=owner.format_map(ctx)))
        for key in chosen:
            text, owner = steps[key][min(pointer[key], len(steps[key]) - 1)]
            goals.append(GoalPlan("intermediary", text, [key], week=week, owner=owner))
        for goal in goals:
            if week > last_week:
                goal.status = "open"
                continue
            key = goal.driver_keys[0]
            if late_stall and key == stall_key and goal.text in [t for t, _ in steps.get(key, [])]:
                goal.status = "not_met"
            else:
                p_met = 0.5 + 0.27 * min(1.0, (week - 1) / max(1, horizon * 0.6))
                if goal.text not in [t for t, _ in steps.get(key, [])]:
                    p_met = 0.85  # engagement goals are mostly met
                if early and week > last_week - 4:
                    p_met = 0.3
                r = rng.random()
                goal.status = "met" if r < p_met else ("partly_met" if r < p_met + (1 - p_met) * 0.6 else "not_met")
            if goal.status == "met" and key in pointer and goal.text in [t for t, _ in steps[key]]:
                pointer[key] += 1
        weekly[week] = goals
        plan.goals.extend(goals)
    if stall_key is not None:  # the stalled goal is the same text, not met, in the last two reviewed weeks
        for week in (last_week - 1, last_week):
            for goal in weekly[week]:
                if goal.driver_keys == [stall_key]:
                    goal.status = "not_met"
        stalled = [g for g in weekly[last_week - 1] if g.driver_keys == [stall_key]]
        if stalled:
            for goal in weekly[last_week]:
                if goal.driver_keys == [stall_key]:
                    goal.text, goal.owner = stalled[0].text, stalled[0].owner

    # ---- weekly reviews
    names = {d.key: d.name for d in plan.drivers}
    supervisor_sign = status == "closed"
    for week in range(1, last_week + 1):
        phase = "start" if week <= 3 else ("end" if week > horizon - 4 and not early else "middle")
        advances = rng.choice(PHASE_ADVANCES[phase]).format_map(ctx)
        met = [g.text for g in weekly[week] if g.status == "met"]
        advances += (" Weekly goals met: " + "; ".join(met) + ".") if met else " No weekly goal fully met."
        missed = [g for g in weekly[week] if g.status != "met"]
        if missed:
            b_family = "; ".join(
                f"{g.text} ({g.status.replace('_', ' ')})"
                + (f": {rng.choice(FAMILY_REASONS).format_map(ctx)}" if g.status == "not_met" else "")
                for g in missed
            ) + "."
        else:
            b_family = "None this week."
        b_therapist = rng.choice(THERAPIST_BARRIERS).format_map(ctx) if rng.random() < 0.2 else "None this week."
        b_system = rng.choice(SYSTEM_BARRIERS).format_map(ctx) if rng.random() < 0.25 else "None this week."
        fit = _ratings_line(plan, names, week, [k for k in ranked if k in prioritised])
        if stall_key and week > stall_from + 2:
            fit = (f"'{names[stall_key]}' unchanged for {week - stall_from} weeks: is the hypothesis right, and is the "
                   f"intervention reaching it? {fit}")
        elif week == 1:
            fit = f"First fit circle: {len(need_keys)} needs and {len(strength_keys)} strengths; prioritised " + \
                  ", ".join(f"'{names[k]}'" for k in ranked[:n_pri]) + f". {fit}"
        if status == "closed" and week == last_week:
            if early:
                nxt = closed_reason
            else:
                nxt = ("Case closed to social care: goals reviewed with the family, relapse-prevention plan "
                       f"handed over to {ctx['carers']} and {ctx['sw']}.")
        elif week + 1 in weekly:
            nxt = "Next week: " + "; ".join(g.text for g in weekly[week + 1]) + "."
        else:
            nxt = "Carry this week's goals forward."
        sign = supervisor_sign or week < last_week or rng.random() < 0.5
        submitted, signed = _review_times(start, week, today, rng, closed_on=plan.closed_on if status == "closed" else None,
                                          sign=sign)
        plan.reviews.append(ReviewPlan(week, "submitted", advances, b_therapist, b_family, b_system, fit, nxt,
                                       submitted, signed))
    if "draft" in flags and status == "open":
        plan.reviews.append(ReviewPlan(
            current, "draft",
            "Two sessions so far this week. " + (weekly[current][0].text + ": on track so far." if weekly.get(current) else ""),
            "", "", "", "", "",
        ))

    # ---- safety plan
    if status == "closed":
        review_day = start + timedelta(weeks=ran) - timedelta(days=rng.randint(0, 10))
    else:
        review_day = today + timedelta(days=rng.randint(5, 30))
    risk = [k for k in ranked]

    def rule_drivers(*keys: str) -> list[str]:
        found = [k for k in keys if k in need_keys]
        return found or risk[:1]

    if "crowded_housing" in need_keys or scenario_key == "sibling":
        home_rule = (f"{alias} sleeps in {ctx['his']} own space; bedroom doors stay open and the children play in "
                     "shared rooms where an adult can see them")
        home_keys = rule_drivers("crowded_housing", "loose_supervision", "sibling_exposure")
    else:
        home_rule = "When younger children visit, they play downstairs in the living room with an adult in the room"
        home_keys = rule_drivers("loose_supervision", "caregiver_minimises_harm")
    home_adults = [c[2] for c in carers] + ([ctx["adult2"]] if helper else [])
    plan.rules.append(RulePlan("home", home_rule, ", ".join(home_adults[:-1]) + " and " + home_adults[-1]
                               if len(home_adults) > 1 else home_adults[0], review_day, home_keys))
    plan.rules.append(RulePlan(
        "school",
        f"{alias} spends break and lunch in the supervised area and checks in with {staff} each morning",
        f"{staff} ({role_at_school})", review_day,
        rule_drivers("unsupervised_school_times", "low_school_bonding", "peer_isolation", "poor_emotional_regulation"),
    ))
    if scenario_key in ("neighbour",) or "unsupervised_community_time" in need_keys or "younger_child_contact" in need_keys:
        community_rule = f"{alias} only plays outside with younger children when an adult {ctx['he']} knows is there"
    else:
        community_rule = f"{alias} tells {ctx['carer']} where {ctx['he']} is going and who with, and is home by the agreed time"
    plan.rules.append(RulePlan("community", community_rule, ctx["carers"], review_day,
                               rule_drivers("unsupervised_community_time", "younger_child_contact", "deviant_peers",
                                            "loose_supervision")))
    plan.rules.append(RulePlan(
        "online",
        "Phones and tablets are used in shared rooms, stay downstairs after 9pm and keep parental controls on",
        ctx["carers"], review_day, rule_drivers("online_sexual_content", "deviant_peers", "loose_supervision"),
    ))

    # ---- supervisor comments
    def when(week: int, extra_days: int = 2, hour: int = 11) -> datetime:
        day = min(_week_end(start, week) + timedelta(days=extra_days), today - timedelta(days=1))
        return _at(day, hour, rng.randint(0, 59))

    if last_week >= 3:
        w = rng.randint(2, min(6, last_week))
        plan.comments.append(CommentPlan(
            "review", w, "Good engagement. Please make sure the school has a copy of the safety plan and knows who "
            "to call.", "addressed", when(w), when(w, 5, 15)))
    if last_week >= 5:
        plan.comments.append(CommentPlan(
            "goal", 0, "The criterion needs to be something you can count: who will confirm it, and how often?",
            "addressed", when(4, 1), when(5, 1, 10)))
    if stall_key is not None and status == "open":
        plan.comments.append(CommentPlan(
            "driver", stall_key,
            f"'{names[stall_key]}' has been flat at {plan.drivers[need_keys.index(stall_key)].ratings[last_week]} "
            f"for {last_week - stall_from} weeks. What is keeping it going? Bring a revised fit to group supervision.",
            "open", when(last_week, 1, 10)))
    if "overdue" in flags:
        plan.comments.append(CommentPlan(
            "case", None, f"No weekly review since week {last_week}. Please bring {alias} to Thursday's supervision.",
            "open", when(last_week + 2, 0, 9)))
    if status == "closed":
        plan.comments.append(CommentPlan(
            "case", None,
            (f"Closed early. {closed_reason} Please make sure the handover report reaches the new team."
             if early else "Closure agreed. Well done: the relapse-prevention plan is clear and the family own it."),
            "addressed", when(last_week, 0, 16), when(last_week, 1, 9)))
    return plan


# =========================================================================== writing plans to the session


def _check_lengths(plan: CasePlan) -> None:
    """Refuse demo text that would not fit its column (PostgreSQL enforces these lengths)."""
    checks: list[tuple[str, int]] = [(plan.referral["summary"], 120), (plan.alias, 60)]
    checks += [(x, 200) for k, x in plan.referral.items() if k in ("frequency", "intensity", "duration")]
    checks += [(d.name, 120) for d in plan.drivers] + [(d.family_wording, 200) for d in plan.drivers]
    checks += [(note, 200) for _, _, _, note in plan.links]
    checks += [(i.name, 120) for i in plan.interventions] + [(i.who, 200) for i in plan.interventions]
    checks += [(i.frequency, 120) for i in plan.interventions] + [(i.principles, 40) for i in plan.interventions]
    checks += [(g.family_wording, 200) for g in plan.goals] + [(g.owner, 80) for g in plan.goals]
    checks += [(p.name, 80) for p in plan.participants] + [(p.relation, 80) for p in plan.participants]
    checks += [(p.who, 80) for p in plan.participants] + [(r.responsible, 200) for r in plan.rules]
    for text, limit in checks:
        if len(text) > limit:
            raise ValueError(f"demo text longer than {limit} characters: {text!r}")


def _write_plan(session: Session, plan: CasePlan, users: dict[str, User], supervisors: dict[int, User],
                team_ids: list[int]) -> Case:
    _check_lengths(plan)
    therapist = users[plan.therapist]
    supervisor = supervisors[plan.team]
    created = _at(plan.start_date - timedelta(days=3), 10)
    case = Case(alias=plan.alias, age=plan.age, start_date=plan.start_date, planned_weeks=plan.planned_weeks,
                status=plan.status, closed_on=plan.closed_on, therapist_id=therapist.id, team_id=team_ids[plan.team],
                created_at=created)
    session.add(case)
    session.flush()

    participants = [Participant(case_id=case.id, name=p.name, relation=p.relation, role=p.role)
                    for p in plan.participants]
    drivers = {
        d.key: Driver(
            case_id=case.id, name=d.name, system=d.system, kind=d.kind, description=d.description,
            family_wording=d.family_wording, evidence_for=d.evidence_for, evidence_against=d.evidence_against,
            status=d.status, rating=d.ratings[max(d.ratings)] if d.ratings else None, changeability=d.changeability,
            prioritised=d.prioritised, catalogue_key=d.catalogue_key,
            created_at=_at(plan.start_date + timedelta(days=4), 14),
        )
        for d in plan.drivers
    }
    interventions = [
        Intervention(case_id=case.id, type=i.type, name=i.name, description=i.description, who=i.who,
                     frequency=i.frequency, start_week=i.start_week, end_week=i.end_week, status=i.status,
                     stop_reason=i.stop_reason, principles=i.principles)
        for i in plan.interventions
    ]
    goals = [
        Goal(case_id=case.id, level=g.level, text=g.text, criterion=g.criterion, family_wording=g.family_wording,
             week=g.week, owner=g.owner, status=g.status, gas_weight=g.gas_weight, gas_score=g.gas_score)
        for g in plan.goals
    ]
    rules = [SafetyRule(case_id=case.id, setting=r.setting, rule=r.rule, responsible=r.responsible,
                        review_date=r.review_date) for r in plan.rules]
    reviews = {
        r.week if r.status == "submitted" else -r.week: WeeklyReview(
            case_id=case.id, week=r.week, status=r.status, advances=r.advances,
            barriers_therapist=r.barriers_therapist, barriers_family=r.barriers_family,
            barriers_system=r.barriers_system, fit_update=r.fit_update, next_steps=r.next_steps,
            submitted_at=r.submitted_at, submitted_by=therapist.id if r.submitted_at else None,
            signed_off_at=r.signed_off_at, signed_off_by=supervisor.id if r.signed_off_at else None,
        )
        for r in plan.reviews
    }
    session.add(ReferralBehaviour(case_id=case.id, **plan.referral))
    session.add_all(participants)
    session.add_all(drivers.values())
    session.add_all(interventions)
    session.add_all(goals)
    session.add_all(rules)
    session.add_all(reviews.values())
    session.flush()

    rows: list = []
    for p, row in zip(plan.participants, participants, strict=True):
        if p.outcome:
            rows.append(DesiredOutcome(case_id=case.id, participant_id=row.id, who=p.who, outcome=p.outcome))
    for source, target, strength, note in plan.links:
        rows.append(DriverLink(case_id=case.id, source_driver_id=drivers[source].id,
                               target_driver_id=drivers[target].id if target else None, strength=strength, note=note))
    for i, row in zip(plan.interventions, interventions, strict=True):
        rows.extend(InterventionDriver(intervention_id=row.id, driver_id=drivers[k].id) for k in dict.fromkeys(i.driver_keys))
    for g, row in zip(plan.goals, goals, strict=True):
        rows.extend(GoalDriver(goal_id=row.id, driver_id=drivers[k].id) for k in dict.fromkeys(g.driver_keys))
    for r, row in zip(plan.rules, rules, strict=True):
        rows.extend(SafetyRuleDriver(rule_id=row.id, driver_id=drivers[k].id) for k in dict.fromkeys(r.driver_keys))
    ratings = []
    for d in plan.drivers:
        for week, value in d.ratings.items():
            ratings.append(dict(case_id=case.id, week=week, subject="driver", subject_id=drivers[d.key].id,
                                value=value, recorded_by=therapist.id,
                                recorded_at=_at(_week_end(plan.start_date, week) - timedelta(days=1), 13)))
    for week, value in plan.overall.items():
        ratings.append(dict(case_id=case.id, week=week, subject="overall", subject_id=None, value=value,
                            recorded_by=therapist.id,
                            recorded_at=_at(_week_end(plan.start_date, week) - timedelta(days=1), 13)))
    overarching = [row for g, row in zip(plan.goals, goals, strict=True) if g.level == "overarching"]
    for c in plan.comments:
        if c.subject == "driver":
            subject_id = drivers[c.ref].id
        elif c.subject == "goal":
            subject_id = overarching[c.ref].id
        elif c.subject == "review":
            subject_id = reviews[c.ref].id
        else:
            subject_id = None
        rows.append(Comment(case_id=case.id, author_id=supervisor.id, subject=c.subject, subject_id=subject_id,
                            body=c.body, status=c.status, created_at=c.created_at, addressed_at=c.addressed_at))
    session.add_all(rows)
    if ratings:
        session.execute(Rating.__table__.insert(), ratings)
    return case


# =========================================================================== entry point


def _all_plans(today: date) -> list[CasePlan]:
    therapist_team = {username: team for username, _, role, team in STAFF if role == "therapist"}
    plans = [_leon_plan(today)]
    for alias, age, sex, scenario, household, therapist, weeks_ago, planned, flags in OPEN_CASES:
        rng = random.Random(f"{SEED}:{alias}")
        start = today - timedelta(weeks=weeks_ago)
        plans.append(_generic_plan(
            rng, alias=alias, age=age, sex=sex, scenario_key=scenario, household=household, therapist=therapist,
            team=therapist_team[therapist], start=start, planned=planned, today=today, status="open", flags=flags,
        ))
    for alias, age, sex, scenario, household, therapist, months_ago, ran, planned, early in CLOSED_CASES:
        rng = random.Random(f"{SEED}:{alias}")
        start = today - timedelta(days=round(months_ago * 30.44))
        closed_on = start + timedelta(weeks=ran - 1, days=rng.randint(2, 5))
        plan = _generic_plan(
            rng, alias=alias, age=age, sex=sex, scenario_key=scenario, household=household, therapist=therapist,
            team=therapist_team[therapist], start=start, planned=planned, today=today, status="closed",
            flags=frozenset(), ran=ran, early=early, closed_on=closed_on,
        )
        plans.append(plan)
    return plans


def load_demo(session: Session, *, password: str, today: date | None = None) -> bool:
    """Add the demo caseload to `session` (the caller commits). False, changing nothing, if already loaded.

    All accounts get `password` (hashed once). Raises accounts.AccountError if the password is too
    short or a demo user name is already taken by a real account.
    """
    if session.exec(select(Team.id).where(Team.name == DEMO_TEAM_NAME)).first() is not None:
        return False
    taken = session.exec(select(User.username).where(User.username.in_(DEMO_USERNAMES))).all()
    if taken:
        raise accounts.AccountError(
            "Cannot load the demo: these user names are already taken: " + ", ".join(sorted(taken)) + "."
        )
    today = today or date.today()
    password_hash = accounts.hash_password(password)
    plans = _all_plans(today)

    teams = [Team(name=name) for name in TEAMS]
    session.add_all(teams)
    session.flush()
    team_ids = [t.id for t in teams]
    joined = _at(today - timedelta(days=5 * 365), 9)
    users = {
        username: User(username=username, display_name=display, role=role,
                       team_id=team_ids[team] if team is not None else None, password_hash=password_hash,
                       created_at=joined if username != "r.evans" else _at(today - timedelta(days=330), 9))
        for username, display, role, team in STAFF
    }
    leon_start = plans[0].start_date
    users[FAMILY_USERNAME] = User(username=FAMILY_USERNAME, display_name=FAMILY_DISPLAY_NAME, role="family",
                                  team_id=None, password_hash=password_hash, created_at=_at(leon_start, 12))
    session.add_all(users.values())
    session.flush()
    supervisors = {team: users[u] for u, _, role, team in STAFF if role == "supervisor"}

    cases = [_write_plan(session, plan, users, supervisors, team_ids) for plan in plans]
    session.add(FamilyAccess(account_id=users[FAMILY_USERNAME].id, case_id=cases[0].id))
    audit.add(session, AuditEvent(actor="system", action="demo_loaded", object_type="demo"))
    session.flush()
    _add_gas_history(session, cases, today)
    _add_adherence_scores(session, cases, supervisors, team_ids, today)
    _publish_family_summaries(session, cases, today)
    return True


# =========================================================================== Goal Attainment Scaling

# Leon's overarching goals (in LEON_GOALS order): five levels (-2..+2) and the weekly score path as
# (from week, score). Scores rise from -2/-1 at intake to 0/+1 late on, with the dip after the row
# at grandmother's birthday in weeks 8-10; the last score is the goal's gas_score in LEON_GOALS.
LEON_GAS = (
    (("A further incident of harmful sexual behaviour",
      "No incident, but worrying behaviour or a supervision lapse",
      "No new incident reported by family, school or social care",
      "No incident, and Leon can name his warning signs and who he would tell",
      "No incident, and the family run the safety plan without the therapist"),
     ((1, -1), (6, 0), (8, -1), (11, 0), (18, 1))),
    (("Children regularly left unsupervised at visits",
      "Supervision plan kept at some visits only",
      "Plan kept at every visit for 8 weeks (grandmother and Claire confirm)",
      "Plan kept at every visit, and Dad sets it up without prompting",
      "Dad adapts the plan himself for new situations (parties, holidays)"),
     ((1, -2), (3, -1), (8, -2), (10, -1), (13, 0), (18, 1))),
    (("No one-to-one time, or contact mostly telling off",
      "One-to-one time on one or two days a week",
      "At least 15 minutes on 5 days a week for 6 weeks, logged by Dad",
      "Most days, and Dad praises Leon without prompting",
      "Daily, and Leon and Dad both say they enjoy it"),
     ((1, -2), (4, -1), (13, 0), (21, 1))),
    (("Cannot name private parts or say what consent is",
      "Names the body safety rules only with prompts",
      "Explains the body safety rules and consent without prompts",
      "Explains them to Dad as well, in his own words",
      "Uses them in real situations and can say why they matter"),
     ((1, -2), (6, -1), (11, 0), (19, 1), (21, 2))),
    (("Describes the harm as 'messing about' and blames the referral",
      "Accepts the harm happened but plays down its effect on Mia",
      "Describes the harm and the safety plan to the social worker without minimising",
      "Explains to family members why the plan matters",
      "Talks with Leon about what happened and keeping everyone safe"),
     ((1, -2), (6, -1), (8, -2), (11, -1), (16, 0))),
)
GAS_FIRST_GOAL_LEVELS = (
    "A further incident of harmful sexual behaviour",
    "No incident, but worrying behaviour or a supervision lapse",
    "No new incident reported by family, school or social care",
    "No incident, and the young person can name warning signs and who to tell",
    "No incident, and the family keep the safety plan going on their own",
)


def _add_gas_history(session: Session, cases: list[Case], today: date) -> None:
    """GAS levels and a weekly GAS score for every overarching goal of the demo cases.

    Each goal is scored in every week that has an overall rating (its reviewed weeks), rising from
    -2/-1 early on towards its final score; the goal's gas_score becomes its latest weekly score.
    Deterministic: each goal draws from its own seeded generator.
    """
    import json

    from sqlalchemy import func, update

    from planner.models import GasScore

    case_ids = [c.id for c in cases]
    last_week = dict(
        session.exec(
            select(Rating.case_id, func.max(Rating.week))
            .where(Rating.case_id.in_(case_ids), Rating.subject == "overall")
            .group_by(Rating.case_id)
        ).all()
    )
    goals = session.exec(
        select(Goal).where(Goal.case_id.in_(case_ids), Goal.level == "overarching").order_by(Goal.case_id, Goal.id)
    ).all()
    by_case: dict[int, list[Goal]] = {}
    for goal in goals:
        by_case.setdefault(goal.case_id, []).append(goal)
    rows: list[dict] = []
    for case in cases:
        weeks = last_week.get(case.id, 0)
        for index, goal in enumerate(by_case.get(case.id, [])):
            if case.alias == LEON and index < len(LEON_GAS):
                levels, path = LEON_GAS[index]
                scores = {w: next(s for start, s in reversed(path) if start <= w) for w in range(1, weeks + 1)}
            else:
                rng = random.Random(f"{SEED}:gas:{case.alias}:{index}")
                if index == 0:
                    levels = GAS_FIRST_GOAL_LEVELS
                else:
                    levels = (
                        "No change yet, or things have gone backwards",
                        "Some steps taken, but not yet reliable",
                        goal.criterion or goal.text,
                        "Met, and kept up without prompting",
                        "Met early, and the family keep it going on their own",
                    )
                progress = weeks / max(1, case.planned_weeks)
                begin = rng.choice((-2, -1))
                final = goal.gas_score
                if final is None:  # an open case not yet scored: a little progress, in step with the plan
                    final = begin if progress < 0.3 else (min(begin + 1, 0) if progress < 0.6 else rng.choice((0, 0, 1)))
                if index == 0 and final > -2:
                    begin = -1  # -2 on the first goal means a further incident: only where there was one
                begin = min(begin, final) if goal.status != "not_met" else max(begin, final)
                shape = rng.uniform(0.8, 1.6)  # scores move later in some goals than others
                scores = {}
                for w in range(1, weeks + 1):
                    share = 1.0 if weeks == 1 else ((w - 1) / (weeks - 1)) ** shape
                    scores[w] = max(-2, min(2, round(begin + (final - begin) * share)))
            if not scores:
                continue
            for w, s in scores.items():
                recorded = min(_at(_week_end(case.start_date, w) - timedelta(days=1), 13), _at(today - timedelta(days=1), 13))
                rows.append(dict(case_id=case.id, goal_id=goal.id, week=w, score=s, recorded_by=case.therapist_id,
                                 recorded_at=recorded))
            session.execute(
                update(Goal).where(Goal.id == goal.id).values(
                    gas_levels=json.dumps(list(levels), ensure_ascii=False), gas_score=scores[max(scores)]
                )
            )
    if rows:
        session.execute(GasScore.__table__.insert(), rows)
    session.flush()


# =========================================================================== monthly adherence (fidelity)

# Open cases whose latest monthly adherence score falls below the 0.61 flag: both have stalled, the
# pattern supervisors look for (progress slipping as the model drifts).
LOW_ADHERENCE_CASES = ("Callum", "Reece")


def _add_adherence_scores(session: Session, cases: list[Case], supervisors: dict[int, User], team_ids: list[int],
                          today: date) -> None:
    """A monthly adherence score (0.55-0.95) for every month of every case, recorded by its team's supervisor.

    Scores wander around a level of the case's own; every case stays at 0.61 or above except the
    LOW_ADHERENCE_CASES, which end below it, and an occasional early dip in some closed cases.
    Deterministic: each case draws from its own seeded generator.
    """
    from planner.fidelity import months_between
    from planner.models import AdherenceScore

    supervisor_of_team = {team_ids[index]: user.id for index, user in supervisors.items()}
    yesterday = today - timedelta(days=1)
    rows: list[dict] = []
    for case in cases:
        rng = random.Random(f"{SEED}:adherence:{case.alias}")
        last_day = min(case.closed_on or yesterday, yesterday)
        months = months_between(case.start_date, last_day)
        level = 0.86 if case.alias == LEON else rng.uniform(0.72, 0.9)
        low = case.alias in LOW_ADHERENCE_CASES
        dip = rng.randrange(len(months)) if case.status == "closed" and len(months) > 3 and rng.random() < 0.3 else None
        for index, month in enumerate(months):
            score = level + rng.uniform(-0.07, 0.07)
            if low and index >= len(months) - 2:
                score = rng.uniform(0.55, 0.6) if index == len(months) - 1 else rng.uniform(0.6, 0.66)
            elif index == dip:
                score = rng.uniform(0.55, 0.6)
            else:
                score = max(0.62, score)
            month_end = months_between(month, month + timedelta(days=31))[-1] - timedelta(days=1)
            recorded = _at(max(case.start_date, min(month_end, last_day)), 16, rng.randint(0, 59))
            rows.append(dict(case_id=case.id, month=month, score=round(min(0.95, max(0.55, score)), 2),
                             recorded_by=supervisor_of_team[case.team_id], recorded_at=recorded))
    if rows:
        session.execute(AdherenceScore.__table__.insert(), rows)
    session.flush()


# =========================================================================== family summaries


def _publish_family_summaries(session: Session, cases: list[Case], today: date) -> None:
    """A published family summary for every open case, as its therapist shared it yesterday evening.

    Built by the family allow-list (planner.family), so the `family` account sees Leon's at once.
    """
    from planner.family import build_family_summary, new_snapshot

    shared_on = today - timedelta(days=1)
    for case in cases:
        if case.status == "open":
            summary = build_family_summary(session, case.id, today=shared_on)
            session.add(new_snapshot(summary, case_id=case.id, published_by=case.therapist_id, published_at=_at(shared_on, 17)))
    session.flush()
