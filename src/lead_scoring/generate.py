"""Generate synthetic raw CRM / marketing data with a known ground truth.

The generator writes the seven raw files of ``docs/raw_contract.md`` (``crm_leads``,
``crm_lead_attributes``, ``web_events``, ``email_events``, ``crm_activities``, ``opportunities``,
``sales_feedback``) as zstd-compressed parquet into ``out_dir`` and the ground truth ``lead_truth.parquet``
(``lead_id``, ``true_conversion_probability``, ``has_converted``) into ``truth_dir``, which the dbt project
never reads.

Time
    All timestamps are tz-naive UTC ``timestamp[us]`` and fall in ``[end_date - days, end_date)``: nothing is
    dated on or after ``end_date`` 00:00. Leads are created uniformly over the ``days`` before ``end_date``;
    every event of a lead (also the anonymous ones later stitched to it) happens at or after its creation.

Ground truth
    Each lead has fit attributes (industry, latent company size, country, seniority and function behind a
    free-text job title, lead source, tech stack, product interest, persona: business / student /
    competitor, free-mail address), a latent buying intent ``I ~ N(0, 1)`` (``0.45 * standardised fit +
    0.89 * independent noise``) and latent traits (technical evaluator, job seeker, price shopper). Then::

        log-odds = b0 + size(n) + m(n) * seniority + function + industry + country + source + tech_stack
                   + product + 0.65 * [payments & finance/retail] + timeline + 0.3 * budget
                   + 0.7 * [timeline 0-3 months & budget confirmed] + 1.1 * I
                   + 0.45 * price_shopper * [employees > 50] + 0.55 * tech_evaluator - 1.8 * job_seeker
                   - 0.7 * free_mail - 7 * competitor + N(0, 0.3) + log F(time left)

    ``size`` is a concave bump on log10(employees) peaking around 400 employees, ``m(n)`` makes seniority
    matter more in large companies, students carry a -3 seniority effect and ``F`` is the CDF of the time
    from creation to the buying window (so leads created in the last weeks had little chance to convert).
    ``true_conversion_probability = sigmoid(log-odds)`` and ``has_converted ~ Bernoulli(p)``, drawn once.
    Behaviour (web, email, activities, attributes) is generated from the latents, not from the outcome:
    high intent means more events, more pricing / demo / webinar / content and a burst of activity in the
    weeks before the lead's buying window; docs/api views reveal technical evaluators and careers views job
    seekers. Only the opportunity, the deal meetings after its creation and deletion (only non-converted
    leads are deleted) depend on the outcome; rep ratings depend on the true log-odds plus noise.
    Converted leads get exactly one opportunity, created 1-10 days after the buying window and always
    before ``end_date``, so ``has_converted`` equals "has a row in opportunities".

Planted dirt (rates per original lead or per event)
    * ~2 % of leads are re-registered as a second lead_id (created later) whose email differs only by case
      and surrounding whitespace; about half of the original's later web/email events and calls use the
      duplicate id. The truth file holds a row for the duplicate id too, with the original's probability but
      ``has_converted = False``; opportunities only ever reference the original id.
    * ~0.2 % exact re-exported lead rows (same lead_id, later ``updated_at``).
    * free-mail addresses (~12 %), student addresses (.edu, .ac.uk, student.*, ~3 %), competitor domains
      (competitor-one.com, rivalsoft.io, leadscorer.example, ~1 %).
    * security-scanner email clicks 1-20 s after delivery (~4 % of deliveries; scanner or empty user agent)
      and Apple-Mail-Privacy-Protection opens (user agent exactly "Mozilla/5.0", 1-15 min after delivery,
      ~15 % of deliveries, independent of intent).
    * internal traffic from 10.20.0.0/16 (~1 % of web events) and bot user agents (~2 % of web events;
      strings contain Googlebot/2.1, bingbot/2.0, HeadlessChrome/120.0, python-requests/2.31, curl/8.4.0,
      AhrefsBot/7.0). Some of both carry a lead's ids.
    * ~1 % deleted leads (``is_deleted``, ``deleted_at``); their activity simply continues afterwards.
    * anonymous browsing: about 25 % of a lead's web events happen before its first ``form_submit`` and
      carry ``lead_id = null`` with the lead's ``anonymous_id``; that form_submit carries both ids. Visitors
      who never identify add anonymous-only events.

Daily loads
    ``lead-scoring generate --append-day --out <raw dir>`` (``lead_scoring.append_day``) adds one day of
    new events and a few new leads after the latest event of an existing data set, as new files
    ``<entity>-YYYY-MM-DD.parquet``.

Scale and determinism
    Leads are generated in chunks of ``CHUNK_SIZE`` (a constant: the output depends on it) and streamed to
    parquet, so memory stays bounded. Chunk ``c`` draws from ``SeedSequence(seed, spawn_key=(c + 1,))``
    (one child stream per entity); shared calendars (campaigns, webinars) from ``spawn_key=(0,)``. No wall
    clock, no ``random``, no ``hash()``: identical arguments give byte-identical data. ``leads`` counts
    distinct people; duplicate lead ids come on top. ``events_per_lead`` is the target mean number of
    web + email + activity rows per original lead (anonymous visitors, bots and internal traffic included).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
BoolArr = npt.NDArray[np.bool_]
IntArr = npt.NDArray[np.intp]

# --------------------------------------------------------------------------------------------------------
# Scale, time and output
# --------------------------------------------------------------------------------------------------------
CHUNK_SIZE = 100_000
SECOND = 1_000_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR
NEVER = np.iinfo(np.int64).max
COMPRESSION = "zstd"
RAW_FILES = (
    "crm_leads",
    "crm_lead_attributes",
    "web_events",
    "email_events",
    "crm_activities",
    "opportunities",
    "sales_feedback",
)
TRUTH_FILE = "lead_truth"
TS = pa.timestamp("us")
STR = pa.string()

# --------------------------------------------------------------------------------------------------------
# Event budget (shares of ``events_per_lead``) and dirt rates
# --------------------------------------------------------------------------------------------------------
WEB_SHARE, EMAIL_SHARE, ACTIVITY_SHARE = 0.58, 0.37, 0.05
ANON_VISITOR_SHARE = 0.06  # web events of visitors who never identify
BOT_SHARE = 0.02
INTERNAL_SHARE = 0.01
ANON_VISITS_MEAN = 3.0  # events per never-identified visitor
PRE_IDENTIFICATION_SHARE = 0.25
EMAIL_ROWS_PER_DELIVERY = 1.405  # delivered + opens + clicks + ... per send, for the budget
ACTIVITY_BASE_PER_LEAD = 1.58  # expected activities per lead at activity scale 1
ENGAGEMENT_INTENT, ENGAGEMENT_NOISE = 0.9, 0.25
BURST_MAX_SHARE = 0.6
DUPLICATE_LEAD_RATE = 0.02
REEXPORT_RATE = 0.002
DELETED_RATE = 0.01
DUPLICATE_EVENT_SHARE = 0.5
BAD_EMAIL_RATE = 0.02
MPP_LEAD_RATE, MPP_OPEN_RATE = 0.17, 0.9
SCANNER_LEAD_RATE, SCANNER_CLICK_RATE = 0.10, 0.42
OPEN_BASE, CLICK_BASE = -1.25, -2.45
CAMPAIGNS_PER_DAY = 2 / 7
MAX_LIST_RATE = 0.45
OFFICE_NET = (10 << 24) | (20 << 16)  # 10.20.0.0/16

# --------------------------------------------------------------------------------------------------------
# Truth model
# --------------------------------------------------------------------------------------------------------
INTERCEPT = -4.1
FIT_MEAN, FIT_SD = 0.21, 1.14  # moments of the firmographic fit score (standardises intent's fit part)
INTENT_FROM_FIT = 0.45
INTENT_EFFECT = 1.10
NOISE_SD = 0.30
PRICING_EFFECT, PRICING_MIN_EMPLOYEES = 0.45, 50
TECH_EVALUATOR_EFFECT = 0.55
JOB_SEEKER_EFFECT = -1.8
FREE_MAIL_EFFECT = -0.7
COMPETITOR_EFFECT = -7.0
BUDGET_EFFECT, URGENT_BUDGET_BONUS = 0.30, 0.70
PAYMENTS_VERTICAL_BONUS = 0.65
SIZE_PEAK_LOG10, SIZE_WIDTH, SIZE_CURVATURE, SIZE_TOP, SIZE_FLOOR = 2.6, 0.7, 0.3, 0.5, -1.2
PEAK_SHAPE, PEAK_SCALE_DAYS = 1.2, 45.0  # Weibull: creation -> buying window
OPP_GAP_DAYS = (1.0, 10.0)
SALES_CYCLE_SHAPE, SALES_CYCLE_DAYS = 1.5, 70.0
WIN_RATE_LOGIT = -0.45

INDUSTRIES = (
    "software",
    "financial_services",
    "healthcare",
    "manufacturing",
    "retail",
    "education",
    "government",
    "other",
)
INDUSTRY_P = np.array([0.22, 0.12, 0.11, 0.13, 0.10, 0.07, 0.05, 0.20])
INDUSTRY_EFFECT = np.array([0.45, 0.30, 0.10, 0.0, -0.10, -0.45, -0.55, -0.20])
INDUSTRY_LOG_SIZE_SHIFT = np.array([0.0, 0.5, 0.4, 0.4, 0.1, 0.2, 0.9, -0.3])
INDUSTRY_REVENUE_PER_EMPLOYEE = np.array([220e3, 400e3, 150e3, 210e3, 180e3, 80e3, 120e3, 150e3])
EDUCATION, SOFTWARE, FINANCE, RETAIL = 5, 0, 1, 4

# code, weight, log-odds effect, tld, legal form, language
COUNTRIES = (
    ("US", 0.40, 0.15, ".com", "Inc.", "en"),
    ("GB", 0.09, 0.10, ".co.uk", "Ltd", "en"),
    ("DE", 0.07, 0.00, ".de", "GmbH", "de"),
    ("FR", 0.05, -0.10, ".fr", "SAS", "fr"),
    ("CA", 0.05, 0.10, ".ca", "Inc.", "en"),
    ("AU", 0.04, 0.05, ".com.au", "Pty Ltd", "en"),
    ("IN", 0.06, -0.35, ".in", "Pvt Ltd", "en"),
    ("BR", 0.04, -0.30, ".com.br", "Ltda", "pt"),
    ("NL", 0.03, 0.10, ".nl", "B.V.", "nl"),
    ("ES", 0.025, -0.10, ".es", "S.L.", "es"),
    ("IT", 0.02, -0.15, ".it", "S.r.l.", "it"),
    ("SE", 0.015, 0.05, ".se", "AB", "sv"),
    ("CH", 0.015, 0.05, ".ch", "AG", "de"),
    ("SG", 0.015, 0.0, ".sg", "Pte Ltd", "en"),
    ("JP", 0.015, -0.20, ".jp", "K.K.", "ja"),
    ("MX", 0.01, -0.25, ".mx", "S.A. de C.V.", "es"),
    ("PL", 0.01, -0.15, ".pl", "Sp. z o.o.", "pl"),
    ("IE", 0.01, 0.10, ".ie", "Ltd", "en"),
    ("BE", 0.01, 0.0, ".be", "NV", "nl"),
    ("DK", 0.01, 0.05, ".dk", "ApS", "da"),
)
COUNTRY_CODES = tuple(c[0] for c in COUNTRIES)
COUNTRY_P = np.array([c[1] for c in COUNTRIES]) / sum(c[1] for c in COUNTRIES)
COUNTRY_EFFECT = np.array([c[2] for c in COUNTRIES])
LANGUAGES = ("en", "de", "fr", "pt", "nl", "es", "it", "sv", "ja", "pl", "da")
COUNTRY_LANGUAGE = np.array([LANGUAGES.index(c[5]) for c in COUNTRIES])

SENIORITIES = ("c_level", "vp", "director", "manager", "individual_contributor", "student")
C_LEVEL, VP, DIRECTOR, MANAGER, IC, STUDENT = range(6)
SENIORITY_EFFECT = np.array([0.55, 0.75, 0.65, 0.35, -0.15, -3.0])
FUNCTIONS = ("marketing", "sales", "engineering", "data", "finance", "operations", "executive", "hr", "other")
MKT, SALES, ENG, DATA, FIN, OPS, EXEC, HR, OTHER = range(9)
FUNCTION_EFFECT = np.array([0.35, 0.25, 0.05, 0.30, -0.05, 0.0, 0.15, -0.45, -0.20])

# title, seniority, function, weight for business leads, weight for students
JOB_TITLES = (
    ("Chief Executive Officer", C_LEVEL, EXEC, 1.0, 0.0),
    ("CEO", C_LEVEL, EXEC, 1.2, 0.0),
    ("Founder & CEO", C_LEVEL, EXEC, 0.8, 0.0),
    ("Co-Founder", C_LEVEL, EXEC, 0.6, 0.0),
    ("Owner", C_LEVEL, EXEC, 0.7, 0.0),
    ("President", C_LEVEL, EXEC, 0.3, 0.0),
    ("Managing Director", C_LEVEL, EXEC, 0.5, 0.0),
    ("Chief Marketing Officer", C_LEVEL, MKT, 0.4, 0.0),
    ("CMO", C_LEVEL, MKT, 0.4, 0.0),
    ("Chief Technology Officer", C_LEVEL, ENG, 0.4, 0.0),
    ("CTO", C_LEVEL, ENG, 0.5, 0.0),
    ("CIO", C_LEVEL, ENG, 0.3, 0.0),
    ("Chief Data Officer", C_LEVEL, DATA, 0.15, 0.0),
    ("CFO", C_LEVEL, FIN, 0.3, 0.0),
    ("Chief Revenue Officer", C_LEVEL, SALES, 0.25, 0.0),
    ("COO", C_LEVEL, OPS, 0.25, 0.0),
    ("VP of Marketing", VP, MKT, 1.0, 0.0),
    ("vp marketing", VP, MKT, 0.3, 0.0),
    ("Vice President, Marketing", VP, MKT, 0.3, 0.0),
    ("VP Sales", VP, SALES, 0.8, 0.0),
    ("VP Revenue Operations", VP, SALES, 0.25, 0.0),
    ("VP of Engineering", VP, ENG, 0.5, 0.0),
    ("VP, Data & Analytics", VP, DATA, 0.3, 0.0),
    ("SVP Finance", VP, FIN, 0.2, 0.0),
    ("VP Operations", VP, OPS, 0.3, 0.0),
    ("VP People", VP, HR, 0.2, 0.0),
    ("Director of Marketing", DIRECTOR, MKT, 1.0, 0.0),
    ("Marketing Director", DIRECTOR, MKT, 0.7, 0.0),
    ("Director of Demand Generation", DIRECTOR, MKT, 0.4, 0.0),
    ("Head of Growth", DIRECTOR, MKT, 0.6, 0.0),
    ("Director, IT", DIRECTOR, ENG, 0.6, 0.0),
    ("IT Director", DIRECTOR, ENG, 0.4, 0.0),
    ("Director of Engineering", DIRECTOR, ENG, 0.4, 0.0),
    ("Head of Data", DIRECTOR, DATA, 0.4, 0.0),
    ("Director of Sales", DIRECTOR, SALES, 0.6, 0.0),
    ("Head of Sales", DIRECTOR, SALES, 0.5, 0.0),
    ("Finance Director", DIRECTOR, FIN, 0.3, 0.0),
    ("Head of Operations", DIRECTOR, OPS, 0.3, 0.0),
    ("HR Director", DIRECTOR, HR, 0.3, 0.0),
    ("Marketing Manager", MANAGER, MKT, 1.6, 0.0),
    ("marketing manager", MANAGER, MKT, 0.5, 0.0),
    ("Growth Marketing Manager", MANAGER, MKT, 0.5, 0.0),
    ("Sr. Product Marketing Manager", MANAGER, MKT, 0.4, 0.0),
    ("Demand Gen Manager", MANAGER, MKT, 0.4, 0.0),
    ("CRM Manager", MANAGER, MKT, 0.4, 0.0),
    ("Sales Manager", MANAGER, SALES, 1.0, 0.0),
    ("Sales Operations Manager", MANAGER, SALES, 0.4, 0.0),
    ("IT Manager", MANAGER, ENG, 0.8, 0.0),
    ("Engineering Manager", MANAGER, ENG, 0.5, 0.0),
    ("Analytics Manager", MANAGER, DATA, 0.5, 0.0),
    ("BI Manager", MANAGER, DATA, 0.3, 0.0),
    ("Operations Manager", MANAGER, OPS, 0.7, 0.0),
    ("Office Manager", MANAGER, OPS, 0.4, 0.0),
    ("Finance Manager", MANAGER, FIN, 0.5, 0.0),
    ("HR Manager", MANAGER, HR, 0.5, 0.0),
    ("Product Manager", MANAGER, OTHER, 0.7, 0.0),
    ("Project Manager", MANAGER, OTHER, 0.6, 0.0),
    ("Account Manager", IC, SALES, 0.7, 0.0),
    ("Customer Success Manager", IC, OTHER, 0.6, 0.0),
    ("Account Executive", IC, SALES, 1.0, 0.0),
    ("Sales Development Representative", IC, SALES, 0.6, 0.0),
    ("SDR", IC, SALES, 0.3, 0.0),
    ("Marketing Specialist", IC, MKT, 0.8, 0.0),
    ("Marketing Coordinator", IC, MKT, 0.6, 0.0),
    ("Content Marketing Specialist", IC, MKT, 0.4, 0.0),
    ("Data Analyst", IC, DATA, 1.0, 0.0),
    ("data analyst", IC, DATA, 0.3, 0.0),
    ("Sr. Data Engineer", IC, DATA, 0.5, 0.0),
    ("Data Scientist", IC, DATA, 0.6, 0.0),
    ("Business Analyst", IC, DATA, 0.7, 0.0),
    ("Software Engineer", IC, ENG, 1.0, 0.0),
    ("Senior Software Engineer", IC, ENG, 0.6, 0.0),
    ("software developer", IC, ENG, 0.3, 0.0),
    ("DevOps Engineer", IC, ENG, 0.4, 0.0),
    ("Solutions Architect", IC, ENG, 0.4, 0.0),
    ("Accountant", IC, FIN, 0.5, 0.0),
    ("Financial Analyst", IC, FIN, 0.4, 0.0),
    ("Recruiter", IC, HR, 0.4, 0.0),
    ("Consultant", IC, OTHER, 0.8, 0.0),
    ("Analyst", IC, OTHER, 0.5, 0.0),
    ("Assistant", IC, OPS, 0.3, 0.0),
    ("Intern", STUDENT, OTHER, 0.15, 1.0),
    ("Marketing Intern", STUDENT, MKT, 0.10, 0.6),
    ("Student", STUDENT, OTHER, 0.0, 2.0),
    ("student", STUDENT, OTHER, 0.0, 0.8),
    ("Graduate Student", STUDENT, DATA, 0.0, 0.6),
    ("PhD Candidate", STUDENT, DATA, 0.0, 0.5),
    ("Working Student", STUDENT, OTHER, 0.0, 0.3),
    ("MBA Candidate", STUDENT, OTHER, 0.0, 0.4),
)
TITLE_SENIORITY = np.array([t[1] for t in JOB_TITLES])
TITLE_FUNCTION = np.array([t[2] for t in JOB_TITLES])
TITLE_P_BUSINESS = np.array([t[3] for t in JOB_TITLES]) / sum(t[3] for t in JOB_TITLES)
TITLE_P_STUDENT = np.array([t[4] for t in JOB_TITLES]) / sum(t[4] for t in JOB_TITLES)
JOB_TITLE_NULL_RATE = 0.04

# display name, ascii form used in email addresses
FIRST_NAMES = (
    ("James", "james"), ("Mary", "mary"), ("John", "john"), ("Patricia", "patricia"), ("Robert", "robert"),
    ("Jennifer", "jennifer"), ("Michael", "michael"), ("Linda", "linda"), ("David", "david"),
    ("Sarah", "sarah"), ("Daniel", "daniel"), ("Emily", "emily"), ("Thomas", "thomas"), ("Anna", "anna"),
    ("Lukas", "lukas"), ("Sophie", "sophie"), ("Maximilian", "maximilian"), ("Lea", "lea"),
    ("Jonas", "jonas"), ("Hannah", "hannah"), ("Pierre", "pierre"), ("Camille", "camille"),
    ("Louis", "louis"), ("Chloé", "chloe"), ("Oliver", "oliver"), ("Amelia", "amelia"), ("Harry", "harry"),
    ("Isla", "isla"), ("Liam", "liam"), ("Olivia", "olivia"), ("Noah", "noah"), ("Emma", "emma"),
    ("Raj", "raj"), ("Priya", "priya"), ("Arjun", "arjun"), ("Ananya", "ananya"), ("Wei", "wei"),
    ("Mei", "mei"), ("Hiroshi", "hiroshi"), ("Yuki", "yuki"), ("João", "joao"), ("Ana", "ana"),
    ("Lucas", "lucas"), ("Mariana", "mariana"), ("Sven", "sven"), ("Ingrid", "ingrid"), ("Søren", "soren"),
    ("Freja", "freja"), ("Jan", "jan"), ("Eva", "eva"), ("Ahmed", "ahmed"), ("Fatima", "fatima"),
    ("Mohammed", "mohammed"), ("Aisha", "aisha"), ("Carlos", "carlos"), ("Lucía", "lucia"),
    ("José", "jose"), ("Sofia", "sofia"), ("Zoë", "zoe"), ("Matteo", "matteo"), ("Giulia", "giulia"),
    ("Piotr", "piotr"), ("Katarzyna", "katarzyna"), ("Sean", "sean"), ("Aoife", "aoife"),
    ("Kevin", "kevin"), ("Laura", "laura"), ("Chris", "chris"), ("Jessica", "jessica"), ("Ryan", "ryan"),
    ("Megan", "megan"), ("Nina", "nina"),
)  # fmt: skip
LAST_NAMES = (
    ("Smith", "smith"), ("Johnson", "johnson"), ("Williams", "williams"), ("Brown", "brown"),
    ("Jones", "jones"), ("Garcia", "garcia"), ("Miller", "miller"), ("Davis", "davis"),
    ("Rodriguez", "rodriguez"), ("Martinez", "martinez"), ("Wilson", "wilson"), ("Anderson", "anderson"),
    ("Taylor", "taylor"), ("Thomas", "thomas"), ("Moore", "moore"), ("Jackson", "jackson"),
    ("Martin", "martin"), ("Lee", "lee"), ("Thompson", "thompson"), ("White", "white"),
    ("Harris", "harris"), ("Clark", "clark"), ("Lewis", "lewis"), ("Walker", "walker"), ("Young", "young"),
    ("Müller", "mueller"), ("Schmidt", "schmidt"), ("Schneider", "schneider"), ("Fischer", "fischer"),
    ("Weber", "weber"), ("Meyer", "meyer"), ("Wagner", "wagner"), ("Becker", "becker"),
    ("Dubois", "dubois"), ("Lefèvre", "lefevre"), ("Moreau", "moreau"), ("Laurent", "laurent"),
    ("Bernard", "bernard"), ("Patel", "patel"), ("Sharma", "sharma"), ("Singh", "singh"),
    ("Kumar", "kumar"), ("Gupta", "gupta"), ("Wang", "wang"), ("Li", "li"), ("Zhang", "zhang"),
    ("Chen", "chen"), ("Tanaka", "tanaka"), ("Suzuki", "suzuki"), ("Sato", "sato"), ("Silva", "silva"),
    ("Santos", "santos"), ("Oliveira", "oliveira"), ("Souza", "souza"), ("de Vries", "devries"),
    ("van Dijk", "vandijk"), ("Jansen", "jansen"), ("Bakker", "bakker"), ("Nielsen", "nielsen"),
    ("Jensen", "jensen"), ("Andersson", "andersson"), ("Johansson", "johansson"),
    ("Kowalski", "kowalski"), ("Nowak", "nowak"), ("Rossi", "rossi"), ("Russo", "russo"),
    ("O'Brien", "obrien"), ("Murphy", "murphy"), ("Kelly", "kelly"), ("Walsh", "walsh"),
    ("Nguyen", "nguyen"), ("Kim", "kim"), ("Park", "park"), ("Hernández", "hernandez"),
    ("López", "lopez"), ("González", "gonzalez"),
)  # fmt: skip

COMPANY_A = (
    "Blue", "North", "Acme", "Silver", "Red", "Bright", "Green", "Iron", "Cloud", "Summit", "Pioneer",
    "Vertex", "Atlas", "Nova", "Quantum", "Stellar", "Prime", "Apex", "Golden", "Swift", "Crystal", "Harbor",
    "River", "Maple", "Oak", "Cedar", "Falcon", "Eagle", "Orbit", "Vector", "Delta", "Sigma", "Omni",
    "Terra", "Aqua", "Sun", "Star", "High", "Stone", "Lake", "Urban", "Metro", "Global", "United",
    "Pacific", "Atlantic", "Alpine", "Coastal", "Frontier", "Liberty", "Royal", "Crown", "Zen", "Echo",
    "Pixel", "Data", "Smart", "Next", "Core", "True", "Clear", "Bold", "Rapid", "Open", "Hyper", "Meta",
    "Ever", "Wave", "Fire", "Light", "Night", "Polar", "Solar", "Lunar", "Arc", "Bay", "Fox", "Wolf",
    "Bear", "Hawk",
)  # fmt: skip
COMPANY_B = (
    "peak", "stone", "field", "bridge", "works", "point", "line", "gate", "base", "forge", "path", "wave",
    "scape", "wise", "stream", "shift", "lab", "hub", "craft", "mark", "port", "view", "ridge", "well",
    "wood", "land", "grid", "spring", "side", "haven", "tech", "soft", "ware", "logic", "sense", "flow",
    "star", "dale", "ford", "mont",
)  # fmt: skip
COMPANY_C = (
    "Analytics", "Systems", "Labs", "Health", "Foods", "Logistics", "Capital", "Partners", "Solutions",
    "Technologies", "Group", "Manufacturing", "Retail", "Media", "Energy", "Software", "Consulting",
    "Networks", "Robotics", "Bank", "Insurance", "Pharma", "Motors", "Apparel", "Learning", "Security",
    "Digital", "Industries", "Ventures", "Holdings",
)  # fmt: skip
COMPANY_COMBOS = len(COMPANY_A) * len(COMPANY_B) * len(COMPANY_C)
COMPANY_PERMUTER = 48_611  # coprime with COMPANY_COMBOS: spreads consecutive companies over the name space
LEADS_PER_COMPANY = (np.array([1, 2, 3, 4]), np.array([0.45, 0.28, 0.17, 0.10]))
COMPANY_GENERIC_TLD_RATE = 0.35
LEGAL_FORM_RATE = 0.5
LOG_EMPLOYEES_MEAN, LOG_EMPLOYEES_SD, MAX_EMPLOYEES = float(np.log(60.0)), 1.5, 250_000
EMPLOYEES_NULL_RATE, REVENUE_NULL_RATE = 0.08, 0.15

FREE_MAIL = (
    ("gmail.com", 0.45), ("yahoo.com", 0.11), ("outlook.com", 0.11), ("hotmail.com", 0.09),
    ("icloud.com", 0.07), ("gmx.de", 0.05), ("web.de", 0.03), ("aol.com", 0.02), ("proton.me", 0.03),
    ("yahoo.co.uk", 0.02), ("hotmail.fr", 0.02),
)  # fmt: skip
EMAIL_NUMBER_MULTIPLIER = 7_919  # prime, coprime with powers of ten: a bijection on the lead numbers
FREE_MAIL_P = np.array([f[1] for f in FREE_MAIL]) / sum(f[1] for f in FREE_MAIL)
# email domain, company domain, name, country
UNIVERSITIES = (
    ("stanford.edu", "stanford.edu", "Stanford University", "US"),
    ("mit.edu", "mit.edu", "Massachusetts Institute of Technology", "US"),
    ("umich.edu", "umich.edu", "University of Michigan", "US"),
    ("berkeley.edu", "berkeley.edu", "UC Berkeley", "US"),
    ("nyu.edu", "nyu.edu", "New York University", "US"),
    ("ox.ac.uk", "ox.ac.uk", "University of Oxford", "GB"),
    ("ucl.ac.uk", "ucl.ac.uk", "University College London", "GB"),
    ("ed.ac.uk", "ed.ac.uk", "University of Edinburgh", "GB"),
    ("student.tudelft.nl", "tudelft.nl", "TU Delft", "NL"),
    ("student.uva.nl", "uva.nl", "University of Amsterdam", "NL"),
    ("student.kuleuven.be", "kuleuven.be", "KU Leuven", "BE"),
    ("student.unimelb.edu.au", "unimelb.edu.au", "University of Melbourne", "AU"),
    ("student.ethz.ch", "ethz.ch", "ETH Zurich", "CH"),
    ("student.hu-berlin.de", "hu-berlin.de", "Humboldt-Universität zu Berlin", "DE"),
)
COMPETITORS = (
    ("competitor-one.com", "Competitor One Inc.", "US"),
    ("rivalsoft.io", "RivalSoft GmbH", "DE"),
    ("leadscorer.example", "LeadScorer Ltd", "GB"),
)
BUSINESS, STUDENT_PERSONA, COMPETITOR = 0, 1, 2
PERSONA_P = np.array([0.955, 0.035, 0.01])
FREE_MAIL_RATE_BUSINESS, FREE_MAIL_RATE_STUDENT = 0.126, 0.2
COMPANY_MAIL, FREE_MAIL_KIND, ACADEMIC_MAIL, COMPETITOR_MAIL = range(4)

LEAD_SOURCES = (
    "organic_search",
    "paid_search",
    "referral",
    "webinar",
    "event",
    "content_syndication",
    "partner",
    "outbound",
    "social",
)
LEAD_SOURCE_P = np.array([0.24, 0.14, 0.06, 0.10, 0.07, 0.12, 0.05, 0.14, 0.08])
LEAD_SOURCE_EFFECT = np.array([0.0, 0.10, 0.60, 0.30, 0.25, -0.50, 0.40, -0.30, -0.20])
SOURCE_WEBINAR, SOURCE_EVENT = 3, 4
N_REPS = 35

TECH_STACKS = ("salesforce", "hubspot", "dynamics", "pipedrive", "none")
TECH_P = np.array([0.30, 0.25, 0.10, 0.10, 0.25])
TECH_EFFECT = np.array([0.40, 0.20, 0.10, 0.0, -0.40])
PRODUCTS = ("analytics", "crm", "payments")
PRODUCT_P = np.array([0.45, 0.35, 0.20])
PRODUCT_EFFECT = np.array([0.25, 0.0, -0.30])
PAYMENTS = 2
TIMELINES = ("0-3 months", "3-6 months", "6-12 months", "no timeline")
TIMELINE_EFFECT = np.array([0.35, 0.15, 0.0, -0.25])
TIMELINE_CUTS = np.array([1.0, 0.2, -0.5])  # on intent + N(0, 0.5), descending
YES_NO = ("yes", "no")
TRUE_FALSE = ("true", "false")
# attribute name, values, share of leads having it (timeline / budget: base, extra via intent)
ATTRIBUTES = (
    ("product_interest", PRODUCTS),
    ("timeline", TIMELINES),
    ("budget_confirmed", YES_NO),
    ("tech_stack", TECH_STACKS),
    ("preferred_language", LANGUAGES),
    ("newsletter_opt_in", TRUE_FALSE),
)
ATTRIBUTE_UPDATE_RATE = 0.12
NEWSLETTER_OPT_IN_RATE = 0.85

# --------------------------------------------------------------------------------------------------------
# Web vocabulary
# --------------------------------------------------------------------------------------------------------
SITE = "https://www.leadco.example"
WEB_CATEGORIES = ("general", "pricing", "docs", "careers", "webinar", "content", "demo", "form")
GENERAL, PRICING, DOCS, CAREERS, WEBINAR, CONTENT, DEMO, FORM = range(8)
CATEGORY_EVENT_TYPE = (
    "page_view",
    "pricing_page_view",
    "page_view",
    "careers_page_view",
    "webinar_page_view",
    "content_download",
    "demo_request",
    "form_submit",
)
WEB_EVENT_TYPES = (
    "page_view",
    "form_submit",
    "content_download",
    "pricing_page_view",
    "demo_request",
    "careers_page_view",
    "webinar_page_view",
)
CATEGORY_TYPE_CODE = np.array([WEB_EVENT_TYPES.index(t) for t in CATEGORY_EVENT_TYPE])
PRODUCT_PATHS = ("/product/analytics", "/product/crm", "/product/payments")
PRODUCT_PAGE_SHARE = 0.2
WEB_PATHS = {
    GENERAL: (
        "/", "/blog/lead-scoring-101", "/product/analytics", "/product/crm", "/product/payments",
        "/blog/attribution-models-explained", "/customers", "/integrations/salesforce", "/about",
        "/blog/b2b-marketing-benchmarks-2026", "/integrations/hubspot", "/blog/what-is-revops",
        "/customers/northwind-case-study", "/security", "/blog/pipeline-forecasting", "/partners",
        "/blog/email-deliverability-tips", "/contact", "/legal/privacy", "/blog/cohort-analysis-guide",
    ),
    PRICING: ("/pricing", "/pricing/enterprise", "/pricing/compare", "/pricing/faq"),
    DOCS: (
        "/docs/api", "/docs/api/authentication", "/docs/api/reference/leads", "/docs/api/webhooks",
        "/docs/api/rate-limits", "/docs/api/reference/events", "/docs/api/sdks/python",
    ),
    CAREERS: (
        "/careers", "/careers/senior-backend-engineer", "/careers/account-executive-emea",
        "/careers/data-scientist", "/careers/marketing-intern", "/careers/customer-success-manager",
    ),
    WEBINAR: (
        "/webinars", "/webinars/predictive-lead-scoring", "/webinars/mql-to-revenue",
        "/webinars/payments-reconciliation", "/webinars/crm-hygiene",
    ),
    CONTENT: (
        "/resources/ebook-lead-scoring-guide", "/resources/ebook-revops-playbook",
        "/resources/ebook-state-of-b2b-analytics", "/resources/whitepaper-payments-compliance",
        "/resources/ebook-crm-migration-checklist",
    ),
    DEMO: ("/demo", "/demo/request", "/demo/thank-you"),
    FORM: (
        "/contact", "/signup", "/resources/ebook-lead-scoring-guide/download", "/webinars/register", "/trial",
    ),
}  # fmt: skip
PATH_VOCAB = tuple(p for k in range(len(WEB_CATEGORIES)) for p in WEB_PATHS[k])
PATH_OFFSET = np.cumsum([0] + [len(WEB_PATHS[k]) for k in range(len(WEB_CATEGORIES))])[:-1]
PATH_COUNT = np.array([len(WEB_PATHS[k]) for k in range(len(WEB_CATEGORIES))])
PRODUCT_PATH_INDEX = np.array([PATH_VOCAB.index(p) for p in PRODUCT_PATHS])
REFERRERS = (
    ("https://www.google.com/", 0.30), ("https://www.bing.com/", 0.04), ("https://www.linkedin.com/", 0.09),
    ("https://t.co/", 0.02), ("https://duckduckgo.com/", 0.02), ("https://www.g2.com/", 0.03),
    ("https://news.ycombinator.com/", 0.01), (SITE + "/", 0.25), (SITE + "/blog/lead-scoring-101", 0.06),
    (SITE + "/pricing", 0.05), ("android-app://com.google.android.gm/", 0.03),
    ("https://www.reddit.com/", 0.02),
)  # fmt: skip
HOMEPAGE_REFERRER = [r[0] for r in REFERRERS].index(SITE + "/")
REFERRER_P = np.array([r[1] for r in REFERRERS]) / sum(r[1] for r in REFERRERS)
DIRECT_TRAFFIC_RATE = 0.35

BROWSER_UAS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
    "Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 "
    "Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
    "Safari/537.36 Edg/124.0.2478.67",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 "
    "Mobile Safari/537.36",
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 "
    "Mobile Safari/537.36",
)
BROWSER_UA_P = np.array([0.26, 0.16, 0.12, 0.12, 0.06, 0.03, 0.13, 0.07, 0.02, 0.03])
BOT_UAS = (
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 "
    "Safari/537.36",
    "python-requests/2.31.0",
    "curl/8.4.0",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
)
MAIL_CLIENT_UAS = (
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17531; Pro)",
    "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)",
    "Thunderbird/115.10.1",
)
SCANNER_UAS = (
    "",
    "Mozilla/5.0 (compatible; Barracuda Sentinel)",
    "Proofpoint URL Defense",
    "Mimecast Security Scanner",
    "python-urllib3/1.26.18",
)
PRIVACY_PROXY_UA = "Mozilla/5.0"
UA_VOCAB = BROWSER_UAS + BOT_UAS + MAIL_CLIENT_UAS + SCANNER_UAS + (PRIVACY_PROXY_UA,)
BOT_UA0 = len(BROWSER_UAS)
MAIL_UA0 = BOT_UA0 + len(BOT_UAS)
SCANNER_UA0 = MAIL_UA0 + len(MAIL_CLIENT_UAS)
PROXY_UA = SCANNER_UA0 + len(SCANNER_UAS)
SCANNER_NULL_UA_RATE = 0.25
PUBLIC_FIRST_OCTETS = np.array(
    [
        3, 8, 13, 18, 23, 31, 34, 35, 37, 45, 46, 52, 62, 64, 66, 68, 71, 73, 76, 81, 82, 84, 86, 88, 89,
        91, 92, 93, 94, 95, 98, 99, 104, 107, 108, 109, 151, 176, 178, 185, 188, 193, 195, 197, 203, 212,
        213, 217,
    ]
)  # fmt: skip
ALT_IP_RATE, ALT_UA_RATE = 0.15, 0.10

# --------------------------------------------------------------------------------------------------------
# Email, activity, sales vocabulary
# --------------------------------------------------------------------------------------------------------
EMAIL_TYPES = ("delivered", "open", "click", "bounce", "unsubscribe", "spam_report")
DELIVERED, OPEN, CLICK, BOUNCE, UNSUBSCRIBE, SPAM = range(6)
CAMPAIGN_KINDS = ("newsletter", "nurture", "product_update", "webinar_invite", "case_study", "event_invite")
EMAIL_HOT_LINKS = ("/pricing", "/demo")
EMAIL_OTHER_LINKS = (
    "/blog/lead-scoring-101",
    "/webinars/predictive-lead-scoring",
    "/resources/ebook-revops-playbook",
    "/customers/northwind-case-study",
    "/product/analytics",
    "/blog/b2b-marketing-benchmarks-2026",
)
EMAIL_LINKS = EMAIL_HOT_LINKS + EMAIL_OTHER_LINKS
EMAIL_LINK_URLS = tuple(f"{SITE}{p}?utm_source=email&utm_medium=email&utm_campaign=" for p in EMAIL_LINKS)
BOUNCE_RATE, SPAM_RATE = 0.002, 0.0006

ACTIVITY_TYPES = ("meeting", "call", "webinar_registered", "webinar_attended", "event_attended")
MEETING, CALL, WEBINAR_REGISTERED, WEBINAR_ATTENDED, EVENT_ATTENDED = range(5)
CALL_SUBJECTS = ("Intro call", "Follow-up call", "Left voicemail", "Qualification call", "Cold call")
MEETING_SUBJECTS = ("Discovery meeting", "Product demo", "Intro meeting")
DEAL_SUBJECTS = ("Proposal review", "Technical deep dive", "Commercial negotiation", "Security review")
WEBINAR_TITLES = (
    "Predictive lead scoring in practice",
    "From MQL to revenue: attribution that works",
    "Payments reconciliation at scale",
    "CRM hygiene in 30 minutes",
    "Forecasting pipeline with confidence",
    "Building a RevOps data stack",
)
EVENT_NAMES = (
    "B2B Marketing Summit",
    "RevOps Live London",
    "Data & Analytics Expo Berlin",
    "SaaS Growth Conference",
    "Regional Roadshow Amsterdam",
    "Fintech Week",
)
SUBJECT_VOCAB = (
    CALL_SUBJECTS
    + MEETING_SUBJECTS
    + DEAL_SUBJECTS
    + tuple(f"Webinar: {t}" for t in WEBINAR_TITLES)
    + tuple(f"Event: {e}" for e in EVENT_NAMES)
)
MEETING_S0 = len(CALL_SUBJECTS)
DEAL_S0 = MEETING_S0 + len(MEETING_SUBJECTS)
WEBINAR_S0 = DEAL_S0 + len(DEAL_SUBJECTS)
EVENT_S0 = WEBINAR_S0 + len(WEBINAR_TITLES)
WEBINAR_EVERY_DAYS = 14

STAGES = ("qualification", "proposal", "negotiation", "closed_won", "closed_lost")
DQ_REASONS = ("no_budget", "student", "competitor", "wrong_contact", "duplicate")
RATING_CUTS = np.array([-4.6, -3.6, -2.6, -1.4])  # on true log-odds + N(0, 0.9)

# --------------------------------------------------------------------------------------------------------
# Output schemas
# --------------------------------------------------------------------------------------------------------
SCHEMAS = {
    "crm_leads": pa.schema(
        [("lead_id", STR), ("email", STR), ("first_name", STR), ("last_name", STR), ("job_title", STR),
         ("company_name", STR), ("company_domain", STR), ("industry", STR), ("employee_count", pa.int64()),
         ("annual_revenue", pa.float64()), ("country", STR), ("lead_source", STR), ("owner_id", STR),
         ("created_at", TS), ("updated_at", TS), ("is_deleted", pa.bool_()), ("deleted_at", TS)]
    ),
    "crm_lead_attributes": pa.schema(
        [("lead_id", STR), ("attribute_name", STR), ("attribute_value", STR), ("updated_at", TS)]
    ),
    "web_events": pa.schema(
        [("event_id", STR), ("lead_id", STR), ("anonymous_id", STR), ("event_type", STR), ("url_path", STR),
         ("referrer", STR), ("user_agent", STR), ("ip_address", STR), ("occurred_at", TS)]
    ),
    "email_events": pa.schema(
        [("event_id", STR), ("lead_id", STR), ("campaign_id", STR), ("event_type", STR), ("url", STR),
         ("user_agent", STR), ("occurred_at", TS)]
    ),
    "crm_activities": pa.schema(
        [("activity_id", STR), ("lead_id", STR), ("activity_type", STR), ("subject", STR),
         ("occurred_at", TS)]
    ),
    "opportunities": pa.schema(
        [("opportunity_id", STR), ("lead_id", STR), ("created_at", TS), ("stage", STR),
         ("is_closed", pa.bool_()), ("is_won", pa.bool_()), ("closed_at", TS), ("amount", pa.float64())]
    ),
    "sales_feedback": pa.schema(
        [("feedback_id", STR), ("lead_id", STR), ("rep_id", STR), ("rating", pa.int32()),
         ("disqualification_reason", STR), ("created_at", TS)]
    ),
    TRUTH_FILE: pa.schema(
        [("lead_id", STR), ("true_conversion_probability", pa.float64()), ("has_converted", pa.bool_())]
    ),
}  # fmt: skip
ID_FORMATS = {  # counter name -> (prefix, minimum digits)
    "lead": ("L", 8),
    "web": ("W", 9),
    "email": ("E", 9),
    "activity": ("A", 7),
    "opportunity": ("O", 7),
    "feedback": ("F", 7),
}


def _vocab(values: tuple[str, ...]) -> pa.Array:
    """Return a pyarrow string array of a vocabulary."""
    return pa.array(values, type=STR)


V_INDUSTRY, V_COUNTRY, V_SOURCE = _vocab(INDUSTRIES), _vocab(COUNTRY_CODES), _vocab(LEAD_SOURCES)
V_TITLE = _vocab(tuple(t[0] for t in JOB_TITLES))
V_FIRST, V_LAST = _vocab(tuple(f[0] for f in FIRST_NAMES)), _vocab(tuple(x[0] for x in LAST_NAMES))
V_FIRST_ASCII = _vocab(tuple(f[1] for f in FIRST_NAMES))
V_LAST_ASCII = _vocab(tuple(x[1] for x in LAST_NAMES))
V_REPS = _vocab(tuple(f"U{i:03d}" for i in range(1, N_REPS + 1)))
V_PATH, V_UA = _vocab(PATH_VOCAB), _vocab(UA_VOCAB)
V_REFERRER = _vocab(tuple(r[0] for r in REFERRERS))
V_WEB_TYPE, V_EMAIL_TYPE = _vocab(WEB_EVENT_TYPES), _vocab(EMAIL_TYPES)
V_LINK_URL, V_ACTIVITY_TYPE = _vocab(EMAIL_LINK_URLS), _vocab(ACTIVITY_TYPES)
V_SUBJECT, V_STAGE, V_DQ = _vocab(SUBJECT_VOCAB), _vocab(STAGES), _vocab(DQ_REASONS)
V_WHITESPACE = _vocab(("", "", " ", "  ", "\t", " \t"))


# --------------------------------------------------------------------------------------------------------
# Small vectorised helpers
# --------------------------------------------------------------------------------------------------------
def _sigmoid(x: F64) -> F64:
    """Numerically safe logistic function."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _take(vocab: pa.Array, idx: npt.ArrayLike, mask: BoolArr | None = None) -> pa.Array:
    """Look up vocabulary entries by integer index; ``mask`` marks nulls."""
    return vocab.take(pa.array(np.asarray(idx, dtype=np.int64), mask=mask))


def _ts(us: I64, mask: BoolArr | None = None) -> pa.Array:
    """Microseconds since the epoch as a ``timestamp[us]`` array; ``mask`` marks nulls."""
    return pa.array(np.asarray(us, dtype=np.int64).astype("datetime64[us]"), type=TS, mask=mask)


def _fixed_width(prefix: str, body: npt.NDArray[np.uint8]) -> pa.Array:
    """Build a string array from a prefix and an (n, width) matrix of ASCII codes, without Python loops."""
    n, width = body.shape
    pre = np.frombuffer(prefix.encode(), dtype=np.uint8)
    buf = np.empty((n, pre.size + width), dtype=np.uint8)
    buf[:, : pre.size] = pre
    buf[:, pre.size :] = body
    offsets = np.arange(n + 1, dtype=np.int64) * buf.shape[1]
    if offsets[-1] >= 2**31:
        return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(buf)).cast(STR)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(buf))


def _decimal_ids(prefix: str, numbers: I64, min_width: int) -> pa.Array:
    """Zero-padded ids such as ``L00000042``; widens when a number needs more digits."""
    numbers = np.asarray(numbers, dtype=np.int64)
    width = max(min_width, len(str(int(numbers.max())))) if numbers.size else min_width
    body = np.empty((numbers.size, width), dtype=np.uint8)
    rest = numbers.copy()
    for pos in range(width - 1, -1, -1):
        body[:, pos] = rest % 10 + 48
        rest //= 10
    return _fixed_width(prefix, body)


def _hex_ids(prefix: str, numbers: npt.NDArray[np.uint64]) -> pa.Array:
    """Ids such as ``anon_3f9a...`` from 64-bit random numbers (16 lowercase hex digits)."""
    shifts = np.arange(60, -1, -4, dtype=np.uint64)
    nibbles = (np.asarray(numbers, dtype=np.uint64)[:, None] >> shifts) & np.uint64(15)
    lut = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    return _fixed_width(prefix, lut[nibbles.astype(np.intp)])


def _ip_strings(ips: npt.NDArray[np.uint32]) -> pa.Array:
    """Dotted-quad strings from IPv4 addresses held as integers."""
    ips = np.asarray(ips, dtype=np.uint32)
    octets = [pc.cast(pa.array((ips >> s) & 255), STR) for s in (24, 16, 8, 0)]
    return pc.binary_join_element_wise(*octets, ".")


def _public_ips(rng: np.random.Generator, n: int) -> npt.NDArray[np.uint32]:
    """Random public IPv4 addresses from commonly allocated /8 blocks."""
    first = rng.choice(PUBLIC_FIRST_OCTETS, size=n).astype(np.uint32)
    return (first << np.uint32(24)) | rng.integers(0, 1 << 24, size=n, dtype=np.uint32)


def _choose(rng: np.random.Generator, p: F64, n: int) -> IntArr:
    """Categorical draws with probabilities ``p``."""
    return np.searchsorted(np.cumsum(p), rng.random(n) * np.sum(p), side="right").astype(np.intp)


def _choose_rows(u: F64, cum: F64) -> IntArr:
    """Categorical draw per row: ``cum`` holds each row's cumulative (normalised) probabilities."""
    out = np.zeros(u.size, dtype=np.intp)
    for k in range(cum.shape[1] - 1):
        out += u > cum[:, k]
    return out


def _exact_sample(rng: np.random.Generator, candidates: IntArr, rate: float, base: int) -> IntArr:
    """Pick ``max(1, round(rate * base))`` distinct candidates (fewer if there are not enough), sorted."""
    k = min(candidates.size, max(1, round(rate * base)))
    return np.sort(rng.choice(candidates, size=k, replace=False)) if k else candidates[:0]


def _run_starts(sorted_keys: npt.NDArray[np.integer]) -> BoolArr:
    """True where a run of equal values starts in a sorted array (empty in, empty out)."""
    starts = np.ones(sorted_keys.size, dtype=bool)
    starts[1:] = sorted_keys[1:] != sorted_keys[:-1]
    return starts


def _weibull_cdf(x_days: F64) -> F64:
    """CDF of the creation -> buying-window delay."""
    return 1.0 - np.exp(-np.power(np.maximum(x_days, 0.0) / PEAK_SCALE_DAYS, PEAK_SHAPE))


def _between(rng: np.random.Generator, lo: I64, hi: I64) -> I64:
    """Uniform timestamps in ``[lo, hi)`` (``lo`` where the interval is empty)."""
    return lo + (rng.random(np.shape(lo)) * np.maximum(hi - lo, 0)).astype(np.int64)


# --------------------------------------------------------------------------------------------------------
# Shared context and per-chunk latent state
# --------------------------------------------------------------------------------------------------------
@dataclass
class _Context:
    """Run-wide settings, shared calendars and id counters."""

    start: int
    end: int
    days: int
    leads: int
    events_per_lead: float
    campaign_t: I64
    campaign_ids: pa.Array
    list_rate: float
    webinar_t: I64
    webinar_subject: IntArr
    counters: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ID_FORMATS, 0))

    def next_ids(self, kind: str, n: int) -> pa.Array:
        """Allocate ``n`` consecutive ids of one kind (``lead`` ids continue after the original leads)."""
        prefix, width = ID_FORMATS[kind]
        first = self.counters[kind] + 1
        self.counters[kind] += n
        return _decimal_ids(prefix, np.arange(first, first + n, dtype=np.int64), width)


@dataclass
class _Chunk:
    """Latent and observable lead-level state of one chunk of original leads (plus their duplicates)."""

    n: int
    lead_ids: pa.Array  # original ids followed by duplicate ids
    created: I64
    persona: IntArr
    mail_kind: IntArr
    first: IntArr
    last: IntArr
    email: pa.Array
    company_name: pa.Array
    company_domain: pa.Array
    industry: IntArr
    employees: F64
    employees_observed: BoolArr
    revenue: F64
    revenue_observed: BoolArr
    country: IntArr
    title: IntArr
    title_observed: BoolArr
    seniority: IntArr
    function: IntArr
    source: IntArr
    owner: IntArr
    tech: IntArr
    product: IntArr
    timeline: IntArr
    budget: BoolArr
    opt_in: BoolArr
    fit_z: F64
    intent: F64
    price_shopper: F64
    tech_evaluator: BoolArr
    job_seeker: BoolArr
    logit: F64
    p: F64
    converted: BoolArr
    t_peak: I64
    t_opp: I64
    dup_src: IntArr  # local index of the original of each duplicate
    dup_created: I64
    dup_pos: IntArr  # per original: position of its duplicate or -1
    deleted: BoolArr
    deleted_at: I64
    anon: npt.NDArray[np.uint64]
    ua: IntArr
    mail_ua: IntArr
    ip: npt.NDArray[np.uint32]
    mpp: BoolArr
    scanner: BoolArr
    bad_email: BoolArr


def _context(days: int, end_date: str, leads: int, events_per_lead: float, seed: int) -> _Context:
    """Derive the time window and the shared campaign and webinar calendars."""
    end = int(np.datetime64(end_date, "D").astype("datetime64[us]").astype(np.int64))
    start = end - days * DAY
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))
    deliveries = EMAIL_SHARE * events_per_lead / EMAIL_ROWS_PER_DELIVERY
    n_campaigns = max(round(days * CAMPAIGNS_PER_DAY), int(np.ceil(2 * deliveries / MAX_LIST_RATE)), 1)
    slot = days * DAY / n_campaigns
    day_start = start + (np.arange(n_campaigns) * slot + rng.random(n_campaigns) * slot).astype(np.int64)
    day_start -= day_start % DAY
    campaign_t = np.minimum(day_start + rng.integers(7 * HOUR, 17 * HOUR, n_campaigns), end - 3 * HOUR)
    campaign_t = np.sort(np.maximum(campaign_t, start))
    dates = np.char.replace(np.datetime_as_string(campaign_t.astype("datetime64[D]")), "-", "")
    kinds = np.asarray(CAMPAIGN_KINDS)[rng.integers(0, len(CAMPAIGN_KINDS), n_campaigns)]
    suffix = np.char.mod("%03d", np.arange(1, n_campaigns + 1))
    ids = np.char.add(np.char.add("cmp_", dates), np.char.add("_", kinds))
    ids = np.char.add(ids, np.char.add("_", suffix))
    n_webinars = max(days // WEBINAR_EVERY_DAYS, 1)
    webinar_day = start + (np.arange(n_webinars) * WEBINAR_EVERY_DAYS + 10) * DAY
    webinar_t = webinar_day[webinar_day < end - DAY] + 16 * HOUR
    return _Context(
        start=start,
        end=end,
        days=days,
        leads=leads,
        events_per_lead=events_per_lead,
        campaign_t=campaign_t,
        campaign_ids=pa.array(ids.tolist(), type=STR),
        list_rate=2 * deliveries / n_campaigns,
        webinar_t=webinar_t,
        webinar_subject=WEBINAR_S0 + np.arange(webinar_t.size) % len(WEBINAR_TITLES),
    )


def _companies(
    rng: np.random.Generator, ctx: _Context, n: int
) -> tuple[IntArr, IntArr, F64, IntArr, pa.Array, pa.Array]:
    """Draw companies (1-4 leads each) and return lead->company, industry, size, country, name, domain."""
    sizes = LEADS_PER_COMPANY[0][_choose(rng, LEADS_PER_COMPANY[1], n)]
    m = int(np.searchsorted(np.cumsum(sizes), n)) + 1
    company_of_lead = rng.permutation(np.repeat(np.arange(m), sizes[:m])[:n])
    industry = _choose(rng, INDUSTRY_P, m)
    log_emp = rng.normal(LOG_EMPLOYEES_MEAN + INDUSTRY_LOG_SIZE_SHIFT[industry], LOG_EMPLOYEES_SD)
    employees = np.clip(np.round(np.exp(log_emp)), 1, MAX_EMPLOYEES)
    country = _choose(rng, COUNTRY_P, m)
    g = ctx.counters.setdefault("company", 0) + np.arange(m, dtype=np.int64)
    ctx.counters["company"] += m
    combo = (g * COMPANY_PERMUTER + 7) % COMPANY_COMBOS
    a, b = combo % len(COMPANY_A), (combo // len(COMPANY_A)) % len(COMPANY_B)
    c = combo // (len(COMPANY_A) * len(COMPANY_B))
    rounds = g // COMPANY_COMBOS
    va, vb, vc = _vocab(COMPANY_A), _vocab(COMPANY_B), _vocab(COMPANY_C)
    legal = _vocab((*(" " + x[4] for x in COUNTRIES), ""))
    legal_idx = np.where(rng.random(m) < LEGAL_FORM_RATE, country, len(COUNTRIES))
    stem = pc.binary_join_element_wise(_take(va, a), _take(vb, b), "")
    name = pc.binary_join_element_wise(stem, _take(vc, c), _take(legal, legal_idx), " ")
    name = pc.replace_substring(name, "  ", " ")
    name = pc.utf8_rtrim_whitespace(name)
    tlds = _vocab((*(x[3] for x in COUNTRIES), ".com", ".io"))
    generic_tld = len(COUNTRIES) + (rng.random(m) < 0.3)
    tld_idx = np.where(rng.random(m) < COMPANY_GENERIC_TLD_RATE, generic_tld, country)
    round_str = pc.if_else(pa.array(rounds > 0), pc.cast(pa.array(rounds), STR), "")
    domain = pc.binary_join_element_wise(
        pc.utf8_lower(stem), pc.utf8_lower(_take(vc, c)), round_str, _take(tlds, tld_idx), ""
    )
    return company_of_lead, industry, employees, country, name, domain


def _email_suffixes(
    ctx: _Context, offset: int, name_key: IntArr, domain: IntArr, mail_kind: IntArr
) -> pa.Array:
    """Digits after ``first.last`` that keep every address unique.

    Addresses on shared domains (free mail, universities, competitors) carry a number that is a bijection of
    the global lead number; colleagues with the same name at one company get ``2``, ``3``, ...
    """
    n = name_key.size
    modulus = 10 ** max(4, len(str(ctx.leads)))
    number = ((offset + np.arange(n, dtype=np.int64)) * EMAIL_NUMBER_MULTIPLIER + 12_345) % modulus
    key = name_key.astype(np.int64) * (int(domain.max(initial=0)) + 1) + domain
    order = np.argsort(key, kind="stable")
    new_group = _run_starts(key[order])
    position = np.arange(n)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = position - np.maximum.accumulate(np.where(new_group, position, 0))
    company = mail_kind == COMPANY_MAIL
    number = np.where(company, rank + 1, number)
    return pc.if_else(pa.array(~company | (rank > 0)), pc.cast(pa.array(number), STR), "")


def _leads_chunk(ctx: _Context, rng: np.random.Generator, offset: int, n: int) -> _Chunk:
    """Draw the fit attributes, latent traits, true probability, outcome and dirt flags of ``n`` leads."""
    created = ctx.start + (rng.random(n) * (ctx.end - ctx.start)).astype(np.int64)
    persona = _choose(rng, PERSONA_P, n)
    company_of_lead, c_industry, c_employees, c_country, c_name, c_domain = _companies(rng, ctx, n)
    uni = rng.integers(0, len(UNIVERSITIES), n)
    comp = rng.integers(0, len(COMPETITORS), n)
    is_student, is_competitor = persona == STUDENT_PERSONA, persona == COMPETITOR

    industry = np.where(is_student, EDUCATION, np.where(is_competitor, SOFTWARE, c_industry[company_of_lead]))
    employees = c_employees[company_of_lead].astype(np.float64)
    employees[is_student] = np.round(8000 * rng.lognormal(0.0, 0.4, is_student.sum()))
    employees[is_competitor] = np.round(400 * rng.lognormal(0.0, 0.3, is_competitor.sum()))
    uni_country = np.array([COUNTRY_CODES.index(u[3]) for u in UNIVERSITIES])
    comp_country = np.array([COUNTRY_CODES.index(c[2]) for c in COMPETITORS])
    country = np.where(
        is_student, uni_country[uni], np.where(is_competitor, comp_country[comp], c_country[company_of_lead])
    )

    free = rng.random(n) < np.where(is_student, FREE_MAIL_RATE_STUDENT, FREE_MAIL_RATE_BUSINESS)
    mail_kind = np.where(
        is_competitor,
        COMPETITOR_MAIL,
        np.where(free, FREE_MAIL_KIND, np.where(is_student, ACADEMIC_MAIL, COMPANY_MAIL)),
    )
    # combined vocabularies: chunk companies | universities | competitors (| free-mail domains for email)
    m = len(c_name)
    n_uni = len(UNIVERSITIES)
    org_idx = np.where(is_student, m + uni, np.where(is_competitor, m + n_uni + comp, company_of_lead))
    names = pa.concat_arrays(
        [c_name, _vocab(tuple(u[2] for u in UNIVERSITIES)), _vocab(tuple(c[1] for c in COMPETITORS))]
    )
    domains = pa.concat_arrays(
        [c_domain, _vocab(tuple(u[1] for u in UNIVERSITIES)), _vocab(tuple(c[0] for c in COMPETITORS))]
    )
    mail_domains = pa.concat_arrays(
        [
            c_domain,
            _vocab(tuple(u[0] for u in UNIVERSITIES)),
            _vocab(tuple(c[0] for c in COMPETITORS)),
            _vocab(tuple(f[0] for f in FREE_MAIL)),
        ]
    )
    free_idx = m + n_uni + len(COMPETITORS) + _choose(rng, FREE_MAIL_P, n)
    mail_idx = np.where(free, free_idx, org_idx)
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(LAST_NAMES), n)
    digits = _email_suffixes(ctx, offset, first * len(LAST_NAMES) + last, mail_idx, mail_kind)
    local = pc.binary_join_element_wise(_take(V_FIRST_ASCII, first), _take(V_LAST_ASCII, last), ".")
    email = pc.binary_join_element_wise(
        pc.binary_join_element_wise(local, digits, ""), _take(mail_domains, mail_idx), "@"
    )
    company_domain = _take(domains, org_idx, mask=free & (rng.random(n) < 0.5))

    title = np.where(is_student, _choose(rng, TITLE_P_STUDENT, n), _choose(rng, TITLE_P_BUSINESS, n))
    seniority, function = TITLE_SENIORITY[title], TITLE_FUNCTION[title]
    source = _choose(rng, LEAD_SOURCE_P, n)
    tech = _choose(rng, TECH_P, n)
    tech[is_competitor] = 1
    product = _choose(rng, PRODUCT_P, n)

    # ---- latent fit, intent and traits
    log10_emp = np.log10(employees)
    size_effect = np.maximum(
        SIZE_TOP - SIZE_CURVATURE * ((log10_emp - SIZE_PEAK_LOG10) / SIZE_WIDTH) ** 2, SIZE_FLOOR
    )
    seniority_weight = np.where(seniority == STUDENT, 1.0, 0.4 + _sigmoid(2.0 * (log10_emp - 2.3)))
    fit = (
        size_effect
        + seniority_weight * SENIORITY_EFFECT[seniority]
        + FUNCTION_EFFECT[function]
        + INDUSTRY_EFFECT[industry]
    )
    fit_z = (fit - FIT_MEAN) / FIT_SD
    intent = INTENT_FROM_FIT * fit_z + np.sqrt(1 - INTENT_FROM_FIT**2) * rng.standard_normal(n)
    price_shopper = 0.5 * intent + 0.6 * rng.standard_normal(n)
    tech_evaluator = rng.random(n) < 0.08 + 0.25 * np.isin(function, (ENG, DATA))
    job_seeker = rng.random(n) < 0.03 + 0.07 * (seniority == IC) + 0.25 * (seniority == STUDENT)
    # number of cuts above the score: 0 = "0-3 months" (most urgent) ... 3 = "no timeline"
    timeline = np.searchsorted(-TIMELINE_CUTS, -(intent + 0.5 * rng.standard_normal(n)), side="left")
    budget = rng.random(n) < _sigmoid(-0.4 + 0.9 * intent + 0.4 * (employees >= 100))
    opt_in = rng.random(n) < NEWSLETTER_OPT_IN_RATE

    # ---- time to the buying window (truncated to the observation window) and exposure term
    gap = np.minimum(rng.uniform(*OPP_GAP_DAYS, n) * DAY, 0.5 * (ctx.end - created)).astype(np.int64)
    avail_days = (ctx.end - created - gap) / DAY
    exposure = _weibull_cdf(avail_days)
    u = rng.random(n) * exposure
    delay_days = PEAK_SCALE_DAYS * np.power(-np.log1p(-u), 1.0 / PEAK_SHAPE)
    t_peak = created + np.minimum(delay_days * DAY, avail_days * DAY).astype(np.int64)
    t_opp = np.minimum(t_peak + gap, ctx.end - 1)

    logit = (
        INTERCEPT
        + fit
        + COUNTRY_EFFECT[country]
        + LEAD_SOURCE_EFFECT[source]
        + TECH_EFFECT[tech]
        + PRODUCT_EFFECT[product]
        + PAYMENTS_VERTICAL_BONUS * ((product == PAYMENTS) & np.isin(industry, (FINANCE, RETAIL)))
        + TIMELINE_EFFECT[timeline]
        + BUDGET_EFFECT * budget
        + URGENT_BUDGET_BONUS * ((timeline == 0) & budget)
        + INTENT_EFFECT * intent
        + PRICING_EFFECT * price_shopper * (employees > PRICING_MIN_EMPLOYEES)
        + TECH_EVALUATOR_EFFECT * tech_evaluator
        + JOB_SEEKER_EFFECT * job_seeker
        + FREE_MAIL_EFFECT * free
        + COMPETITOR_EFFECT * is_competitor
        + NOISE_SD * rng.standard_normal(n)
        + np.log(np.maximum(exposure, 1e-9))
    )
    p = np.clip(_sigmoid(logit), 1e-9, 1 - 1e-9)
    converted = rng.random(n) < p

    # ---- duplicates and deletions (exact counts so every kind of dirt shows up at any scale)
    dup_src = _exact_sample(rng, np.flatnonzero(ctx.end - created > 2 * DAY), DUPLICATE_LEAD_RATE, n)
    lag = (rng.exponential(40.0, dup_src.size) * DAY).astype(np.int64)
    room = ctx.end - created[dup_src]
    dup_created = created[dup_src] + np.where(lag < room - HOUR, lag, (rng.random(dup_src.size) * room))
    dup_created = dup_created.astype(np.int64)
    dup_pos = np.full(n, -1, dtype=np.intp)
    dup_pos[dup_src] = np.arange(dup_src.size)
    deletable = np.flatnonzero(~converted & (dup_pos < 0) & (ctx.end - created > DAY))
    deleted = np.zeros(n, dtype=bool)
    deleted[_exact_sample(rng, deletable, DELETED_RATE, n)] = True
    deleted_at = created + (rng.uniform(0.2, 0.9, n) * (ctx.end - created)).astype(np.int64)

    original_ids = _decimal_ids("L", offset + 1 + np.arange(n, dtype=np.int64), ID_FORMATS["lead"][1])
    dup_numbers = ctx.leads + ctx.counters["lead"] + 1 + np.arange(dup_src.size, dtype=np.int64)
    ctx.counters["lead"] += dup_src.size
    dup_ids = _decimal_ids("L", dup_numbers, ID_FORMATS["lead"][1])
    return _Chunk(
        n=n,
        lead_ids=pa.concat_arrays([original_ids, dup_ids]),
        created=created,
        persona=persona,
        mail_kind=mail_kind,
        first=first,
        last=last,
        email=email,
        company_name=_take(names, org_idx),
        company_domain=company_domain,
        industry=industry,
        employees=employees,
        employees_observed=rng.random(n) >= np.where(free, 2.5, 1.0) * EMPLOYEES_NULL_RATE,
        revenue=np.round(
            employees * INDUSTRY_REVENUE_PER_EMPLOYEE[industry] * rng.lognormal(0.0, 0.5, n), -3
        ),
        revenue_observed=rng.random(n) >= REVENUE_NULL_RATE,
        country=country,
        title=title,
        title_observed=is_student | (rng.random(n) >= JOB_TITLE_NULL_RATE),
        seniority=seniority,
        function=function,
        source=source,
        owner=rng.integers(0, N_REPS, n),
        tech=tech,
        product=product,
        timeline=timeline,
        budget=budget,
        opt_in=opt_in,
        fit_z=fit_z,
        intent=intent,
        price_shopper=price_shopper,
        tech_evaluator=tech_evaluator,
        job_seeker=job_seeker,
        logit=logit,
        p=p,
        converted=converted,
        t_peak=t_peak,
        t_opp=t_opp,
        dup_src=dup_src,
        dup_created=dup_created,
        dup_pos=dup_pos,
        deleted=deleted,
        deleted_at=deleted_at,
        anon=rng.integers(0, np.iinfo(np.int64).max, n, dtype=np.int64).astype(np.uint64),
        ua=_choose(rng, BROWSER_UA_P, n),
        mail_ua=MAIL_UA0 + rng.integers(0, len(MAIL_CLIENT_UAS), n),
        ip=_public_ips(rng, n),
        mpp=rng.random(n) < MPP_LEAD_RATE,
        scanner=(mail_kind == COMPANY_MAIL) & (rng.random(n) < SCANNER_LEAD_RATE / 0.85),
        bad_email=rng.random(n) < BAD_EMAIL_RATE,
    )


def _reassign_to_duplicate(
    rng: np.random.Generator, ck: _Chunk, lead: IntArr, t: I64, eligible: BoolArr | None = None
) -> IntArr:
    """Point about half of an original's events after its duplicate's creation at the duplicate id."""
    pos = ck.dup_pos[lead]
    has_dup = pos >= 0
    later = np.zeros(lead.size, dtype=bool)
    later[has_dup] = t[has_dup] > ck.dup_created[pos[has_dup]]
    move = later & (rng.random(lead.size) < DUPLICATE_EVENT_SHARE)
    if eligible is not None:
        move &= eligible
    return np.where(move, ck.n + pos, lead)


# --------------------------------------------------------------------------------------------------------
# Entity tables
# --------------------------------------------------------------------------------------------------------
def _crm_leads(ck: _Chunk, ctx: _Context, rng: np.random.Generator) -> pa.Table:
    """CRM lead records: originals, their case/whitespace duplicates and a few re-exported rows."""
    n, end = ck.n, ctx.end
    updated = np.where(ck.deleted, ck.deleted_at, _between(rng, ck.created, np.full(n, end)))
    originals = pa.table(
        {
            "lead_id": ck.lead_ids.slice(0, n),
            "email": ck.email,
            "first_name": _take(V_FIRST, ck.first),
            "last_name": _take(V_LAST, ck.last),
            "job_title": _take(V_TITLE, ck.title, mask=~ck.title_observed),
            "company_name": ck.company_name,
            "company_domain": ck.company_domain,
            "industry": _take(V_INDUSTRY, ck.industry),
            "employee_count": pa.array(ck.employees.astype(np.int64), mask=~ck.employees_observed),
            "annual_revenue": pa.array(ck.revenue, mask=~ck.revenue_observed),
            "country": _take(V_COUNTRY, ck.country),
            "lead_source": _take(V_SOURCE, ck.source),
            "owner_id": _take(V_REPS, ck.owner),
            "created_at": _ts(ck.created),
            "updated_at": _ts(updated),
            "is_deleted": pa.array(ck.deleted),
            "deleted_at": _ts(ck.deleted_at, mask=~ck.deleted),
        },
        schema=SCHEMAS["crm_leads"],
    )
    k = ck.dup_src.size
    dups = originals.take(pa.array(ck.dup_src))
    base = dups.column("email").combine_chunks()
    case = rng.integers(0, 3, k)
    variant = pc.if_else(
        pa.array(case == 0),
        pc.utf8_title(base),
        pc.if_else(pa.array(case == 1), pc.utf8_upper(base), pc.utf8_capitalize(base)),
    )
    pad_l, pad_r = rng.integers(0, len(V_WHITESPACE), k), rng.integers(0, len(V_WHITESPACE), k)
    variant = pc.binary_join_element_wise(_take(V_WHITESPACE, pad_l), variant, _take(V_WHITESPACE, pad_r), "")
    new_source = np.where(rng.random(k) < 0.5, ck.source[ck.dup_src], _choose(rng, LEAD_SOURCE_P, k))
    new_owner = np.where(rng.random(k) < 0.5, ck.owner[ck.dup_src], rng.integers(0, N_REPS, k))
    replacements = {
        "lead_id": ck.lead_ids.slice(n, k),
        "email": variant,
        "lead_source": _take(V_SOURCE, new_source),
        "owner_id": _take(V_REPS, new_owner),
        "created_at": _ts(ck.dup_created),
        "updated_at": _ts(_between(rng, ck.dup_created, np.full(k, end))),
        "is_deleted": pa.array(np.zeros(k, dtype=bool)),
        "deleted_at": _ts(np.zeros(k, dtype=np.int64), mask=np.ones(k, dtype=bool)),
    }
    for name, values in replacements.items():
        dups = dups.set_column(dups.schema.get_field_index(name), name, values)
    records = pa.concat_tables([originals, dups])
    again = _exact_sample(rng, np.arange(records.num_rows), REEXPORT_RATE, n)
    reexport = records.take(pa.array(again))
    prev = reexport.column("updated_at").combine_chunks().cast(pa.int64()).to_numpy()
    later = prev + (rng.uniform(0.1, 0.9, again.size) * (end - prev)).astype(np.int64)
    later = np.maximum(later, prev + 1)
    reexport = reexport.set_column(reexport.schema.get_field_index("updated_at"), "updated_at", _ts(later))
    return pa.concat_tables([records, reexport])


def _lead_attributes(ck: _Chunk, ctx: _Context, rng: np.random.Generator) -> pa.Table:
    """Long-format CRM properties; ~12 % were set twice (older value superseded by a later one)."""
    n = ck.n
    engaged = _sigmoid(ck.intent)
    language = np.where(rng.random(n) < 0.8, COUNTRY_LANGUAGE[ck.country], 0)
    columns = (
        (ck.product, rng.random(n) < 0.65),
        (ck.timeline, rng.random(n) < 0.45 + 0.4 * engaged),
        ((~ck.budget).astype(np.intp), rng.random(n) < 0.40 + 0.35 * engaged),
        (ck.tech, rng.random(n) < 0.8),
        (language, rng.random(n) < 0.7),
        ((~ck.opt_in).astype(np.intp), rng.random(n) < 0.9),
    )
    names, values, value_offsets = [], [], np.cumsum([0] + [len(a[1]) for a in ATTRIBUTES])
    lead_parts, name_parts, value_parts, time_parts = [], [], [], []
    for a, ((attr_name, attr_values), (current, present)) in enumerate(zip(ATTRIBUTES, columns, strict=True)):
        names.append(attr_name)
        values.extend(attr_values)
        lead = np.flatnonzero(present)
        t_now = _between(rng, ck.created[lead], np.full(lead.size, ctx.end))
        twice = rng.random(lead.size) < ATTRIBUTE_UPDATE_RATE
        old_lead = lead[twice]
        t_old = _between(rng, ck.created[old_lead], t_now[twice])
        t_now[twice] = np.maximum(t_now[twice], t_old + MINUTE)
        t_now = np.minimum(t_now, ctx.end - 1)
        t_old = np.minimum(t_old, t_now[twice] - 1)
        k = len(attr_values)
        old_value = (current[old_lead] + rng.integers(1, k, old_lead.size)) % k
        lead_parts += [lead, old_lead]
        name_parts += [np.full(lead.size + old_lead.size, a)]
        value_parts += [value_offsets[a] + current[lead], value_offsets[a] + old_value]
        time_parts += [t_now, t_old]
    lead = np.concatenate(lead_parts)
    t = np.concatenate(time_parts)
    order = np.lexsort((t, lead))
    return pa.table(
        {
            "lead_id": _take(ck.lead_ids, lead[order]),
            "attribute_name": _take(_vocab(tuple(names)), np.concatenate(name_parts)[order]),
            "attribute_value": _take(_vocab(tuple(values)), np.concatenate(value_parts)[order]),
            "updated_at": _ts(t[order]),
        },
        schema=SCHEMAS["crm_lead_attributes"],
    )


def _web_category_cum(ck: _Chunk, burst: bool) -> F64:
    """Per-lead cumulative probabilities over WEB_CATEGORIES (behaviour driven by the latents)."""
    competitor = ck.persona == COMPETITOR
    student = ck.persona == STUDENT_PERSONA
    boost = 2.2 if burst else 1.0
    w = np.column_stack(
        [
            np.ones(ck.n),
            0.06 * np.exp(1.2 * ck.price_shopper) * np.where(competitor, 3.0, 1.0) * boost,
            0.015 + 0.30 * ck.tech_evaluator + 0.2 * competitor,
            0.008 + 0.45 * ck.job_seeker + 0.08 * student,
            0.035 * np.exp(0.5 * ck.intent) * (1.5 if burst else 1.0),
            0.04 * np.exp(0.4 * ck.intent),
            0.004 * np.exp(1.3 * ck.intent) * (3.0 if burst else 1.0),
            np.full(ck.n, 0.015),
        ]
    )
    cum = np.cumsum(w, axis=1)
    return cum / cum[:, -1:]


def _pick_paths(rng: np.random.Generator, category: IntArr) -> IntArr:
    """Path index per event within its category (popular pages first)."""
    within = np.floor(rng.random(category.size) ** 2 * PATH_COUNT[category]).astype(np.intp)
    return PATH_OFFSET[category] + within


@dataclass
class _WebPart:
    """Column arrays of a batch of web events before they become a pyarrow table."""

    lead: IntArr  # index into chunk lead ids, -1 = anonymous
    anon: npt.NDArray[np.uint64]
    type_code: IntArr
    path: IntArr
    referrer: IntArr  # -1 = direct
    ua: IntArr
    ip: npt.NDArray[np.uint32]
    t: I64


def _lead_web_events(ck: _Chunk, ctx: _Context, rng: np.random.Generator) -> tuple[_WebPart, I64]:
    """Web events of known leads, with anonymous browsing before the first form_submit."""
    n = ck.n
    engagement = np.exp(ENGAGEMENT_INTENT * ck.intent + ENGAGEMENT_NOISE * rng.standard_normal(n))
    engagement /= np.exp(0.5 * (ENGAGEMENT_INTENT**2 + ENGAGEMENT_NOISE**2))
    budget = WEB_SHARE * ctx.events_per_lead * (1 - ANON_VISITOR_SHARE - BOT_SHARE - INTERNAL_SHARE)
    active = (ctx.end - ck.created).astype(np.float64)
    counts = rng.poisson(budget * engagement * active / ((ctx.end - ctx.start) / 2))
    lead = np.repeat(np.arange(n), counts)
    size = lead.size
    burst = rng.random(size) < BURST_MAX_SHARE * _sigmoid(1.5 * (ck.intent[lead] - 0.5))
    created, t_peak = ck.created[lead], ck.t_peak[lead]
    t_background = created + (active[lead] * rng.random(size) ** 1.4).astype(np.int64)
    t_burst = t_peak - (rng.gamma(2.0, 3.5, size) * DAY).astype(np.int64)
    early = t_burst < created
    t_burst[early] = _between(rng, created[early], t_peak[early] + 1)
    t = np.minimum(np.where(burst, t_burst, t_background), ctx.end - 1)
    u = rng.random(size)
    cum_bg, cum_burst = _web_category_cum(ck, burst=False), _web_category_cum(ck, burst=True)
    category = np.where(burst, _choose_rows(u, cum_burst[lead]), _choose_rows(u, cum_bg[lead]))

    order = np.lexsort((t, lead))
    lead, t, category = lead[order], t[order], category[order]
    rank = np.arange(size) - np.repeat(np.cumsum(counts) - counts, counts)
    ident_rank = np.minimum(rng.binomial(counts, PRE_IDENTIFICATION_SHARE), np.maximum(counts - 1, 0))
    before = rank < ident_rank[lead]
    identifying = rank == ident_rank[lead]
    category[before & (category >= CONTENT)] = GENERAL
    category[identifying] = FORM
    ident_t = np.full(n, -1, dtype=np.int64)
    ident_t[lead[identifying]] = t[identifying]

    path = _pick_paths(rng, category)
    product_page = (category == GENERAL) & (rng.random(size) < PRODUCT_PAGE_SHARE)
    path[product_page] = PRODUCT_PATH_INDEX[ck.product[lead[product_page]]]
    ref = np.where(rng.random(size) < DIRECT_TRAFFIC_RATE, -1, _choose(rng, REFERRER_P, size))
    ua = np.where(rng.random(size) < ALT_UA_RATE, _choose(rng, BROWSER_UA_P, size), ck.ua[lead])
    ip = np.where(rng.random(size) < ALT_IP_RATE, _public_ips(rng, size), ck.ip[lead])
    lead_ref = _reassign_to_duplicate(rng, ck, lead, t, eligible=~before & ~identifying)
    part = _WebPart(
        lead=np.where(before, -1, lead_ref),
        anon=ck.anon[lead],
        type_code=CATEGORY_TYPE_CODE[category],
        path=path,
        referrer=ref,
        ua=ua,
        ip=ip.astype(np.uint32),
        t=t,
    )
    return part, ident_t


def _extra_web_events(
    ck: _Chunk, ctx: _Context, rng: np.random.Generator, ident_t: I64, n_lead_events: int, kind: str
) -> _WebPart:
    """Visitors who never identify (``anonymous``), bots (``bot``) and office traffic (``internal``)."""
    per_visitor = {"anonymous": ANON_VISITS_MEAN, "bot": 4.0, "internal": 3.0}[kind]
    share = {"anonymous": ANON_VISITOR_SHARE, "bot": BOT_SHARE, "internal": INTERNAL_SHARE}[kind]
    lead_share = 1 - ANON_VISITOR_SHARE - BOT_SHARE - INTERNAL_SHARE
    attached_rate = {"anonymous": 0.0, "bot": 0.25, "internal": 0.5}[kind]
    total = rng.poisson(share / lead_share * n_lead_events)
    visitors = max(1, round(total / per_visitor))
    visitor = np.sort(rng.integers(0, visitors, total))
    identified = np.flatnonzero(ident_t >= 0)
    attached = (rng.random(visitors) < attached_rate) & (identified.size > 0)
    owner = identified[rng.integers(0, max(identified.size, 1), visitors)] if identified.size else None
    v_anon = rng.integers(0, np.iinfo(np.int64).max, visitors, dtype=np.int64).astype(np.uint64)
    v_start = ctx.start + (rng.random(visitors) * (ctx.end - ctx.start)).astype(np.int64)
    if owner is not None:
        v_anon = np.where(attached, ck.anon[owner], v_anon)
        v_start = np.where(attached, _between(rng, ident_t[owner], np.full(visitors, ctx.end)), v_start)
    t = np.minimum(v_start[visitor] + (rng.exponential(2.0, total) * DAY).astype(np.int64), ctx.end - 1)
    if owner is not None:
        lead = np.where(attached[visitor], owner[visitor], -1)
    else:
        lead = np.full(total, -1, dtype=np.intp)
    other = np.array([PRICING, CAREERS, DOCS, WEBINAR])[rng.integers(0, 4, total)]
    category = np.where(rng.random(total) < 0.8, GENERAL, other)
    if kind == "bot":
        ua = BOT_UA0 + rng.integers(0, len(BOT_UAS), visitors)[visitor]
        ip = _public_ips(rng, visitors)[visitor]
        ref = np.full(total, -1)
    elif kind == "internal":
        ua = _choose(rng, BROWSER_UA_P, visitors)[visitor]
        ip = (OFFICE_NET | rng.integers(1, 1 << 16, visitors, dtype=np.uint32))[visitor]
        ref = np.where(rng.random(total) < 0.6, -1, HOMEPAGE_REFERRER)
    else:
        ua = _choose(rng, BROWSER_UA_P, visitors)[visitor]
        ip = _public_ips(rng, visitors)[visitor]
        ref = np.where(rng.random(total) < DIRECT_TRAFFIC_RATE, -1, _choose(rng, REFERRER_P, total))
    return _WebPart(
        lead=lead.astype(np.intp),
        anon=v_anon[visitor],
        type_code=CATEGORY_TYPE_CODE[category],
        path=_pick_paths(rng, category),
        referrer=ref,
        ua=ua,
        ip=ip.astype(np.uint32),
        t=t,
    )


def _web_events(ck: _Chunk, ctx: _Context, rng: np.random.Generator) -> pa.Table:
    """All web events of a chunk, ordered by time."""
    main, ident_t = _lead_web_events(ck, ctx, rng)
    kinds = ("anonymous", "bot", "internal")
    parts = [main, *(_extra_web_events(ck, ctx, rng, ident_t, main.t.size, kind) for kind in kinds)]
    cols = {name: np.concatenate([getattr(p, name) for p in parts]) for name in _WebPart.__dataclass_fields__}
    order = np.argsort(cols["t"], kind="stable")
    cols = {name: values[order] for name, values in cols.items()}
    return pa.table(
        {
            "event_id": ctx.next_ids("web", order.size),
            "lead_id": _take(ck.lead_ids, np.maximum(cols["lead"], 0), mask=cols["lead"] < 0),
            "anonymous_id": _hex_ids("anon_", cols["anon"]),
            "event_type": _take(V_WEB_TYPE, cols["type_code"]),
            "url_path": _take(V_PATH, cols["path"]),
            "referrer": _take(V_REFERRER, np.maximum(cols["referrer"], 0), mask=cols["referrer"] < 0),
            "user_agent": _take(V_UA, cols["ua"]),
            "ip_address": _ip_strings(cols["ip"]),
            "occurred_at": _ts(cols["t"]),
        },
        schema=SCHEMAS["web_events"],
    )


def _email_sends(ck: _Chunk, ctx: _Context, rng: np.random.Generator) -> tuple[IntArr, IntArr, I64, BoolArr]:
    """Campaign sends after each lead's creation, cut after a bounce, unsubscribe or spam report."""
    n_campaigns = ctx.campaign_t.size
    first = np.searchsorted(ctx.campaign_t, ck.created, side="right")
    eligible = n_campaigns - first
    lead = np.repeat(np.arange(ck.n), eligible)
    campaign = first[lead] + np.arange(lead.size) - np.repeat(np.cumsum(eligible) - eligible, eligible)
    factor = 2 * rng.beta(2.0, 2.0, ck.n) * np.where(ck.opt_in, 1.1, 0.45)
    keep = rng.random(lead.size) < np.minimum(ctx.list_rate * factor, 1.0)[lead]
    lead, campaign = lead[keep], campaign[keep]
    t = ctx.campaign_t[campaign] + (rng.random(lead.size) * 2 * HOUR).astype(np.int64)
    bounce = rng.random(lead.size) < np.where(ck.bad_email, 1.0, BOUNCE_RATE)[lead]
    stop = np.where(bounce, t, NEVER)
    first_stop = np.full(ck.n, NEVER, dtype=np.int64)
    np.minimum.at(first_stop, lead, stop)
    keep = t <= first_stop[lead]
    return lead[keep], campaign[keep], t[keep], bounce[keep]


def _email_events(ck: _Chunk, ctx: _Context, rng: np.random.Generator) -> pa.Table:
    """Deliveries, opens (human and privacy proxy), clicks (human and scanner), bounces, opt-outs."""
    lead, campaign, t_send, bounce = _email_sends(ck, ctx, rng)
    m = lead.size
    intent = ck.intent[lead]
    react = t_send + (rng.lognormal(np.log(5.0), 1.0, m) * HOUR).astype(np.int64)
    unsub = ~bounce & (rng.random(m) < _sigmoid(-6.3 - 0.5 * intent))
    spam = ~bounce & ~unsub & (rng.random(m) < SPAM_RATE)
    first_out = np.full(ck.n, NEVER, dtype=np.int64)
    np.minimum.at(first_out, lead, np.where(unsub | spam, react, NEVER))
    keep = t_send <= first_out[lead]
    unsub &= react == first_out[lead]
    spam &= react == first_out[lead]
    lead, campaign, t_send, bounce, unsub, spam, react, intent = (
        x[keep] for x in (lead, campaign, t_send, bounce, unsub, spam, react, intent)
    )
    m = lead.size
    ref = _reassign_to_duplicate(rng, ck, lead, t_send)
    delivered = ~bounce
    lead_open = _sigmoid(OPEN_BASE + 1.0 * ck.intent + 0.4 * rng.standard_normal(ck.n))
    human_open = delivered & (rng.random(m) < lead_open[lead])
    t_open = t_send + (rng.lognormal(np.log(3.0), 1.2, m) * HOUR).astype(np.int64)
    proxy_open = delivered & ck.mpp[lead] & (rng.random(m) < MPP_OPEN_RATE)
    t_proxy = t_send + rng.integers(1 * MINUTE, 15 * MINUTE, m)
    human_click = human_open & (rng.random(m) < _sigmoid(CLICK_BASE + 1.1 * intent))
    t_click = t_open + (rng.lognormal(np.log(2.0), 1.0, m) * MINUTE).astype(np.int64)
    hot = rng.random(m) < _sigmoid(intent - 1.0)
    link = np.where(
        hot,
        rng.integers(0, len(EMAIL_HOT_LINKS), m),
        len(EMAIL_HOT_LINKS) + rng.integers(0, len(EMAIL_OTHER_LINKS), m),
    )
    scan_click = delivered & ck.scanner[lead] & (rng.random(m) < SCANNER_CLICK_RATE)
    t_scan = t_send + rng.integers(1 * SECOND, 20 * SECOND + 1, m)
    scan_link = rng.integers(0, len(EMAIL_LINKS), m)
    scan_ua = SCANNER_UA0 + rng.integers(0, len(SCANNER_UAS), m)
    scan_ua_null = rng.random(m) < SCANNER_NULL_UA_RATE
    browser = ck.ua[lead]
    # (mask, event type, time, link or -1, user agent or -1)
    rows = (
        (delivered, DELIVERED, t_send, -1, -1),
        (bounce, BOUNCE, t_send + rng.integers(1 * SECOND, 60 * SECOND, m), -1, -1),
        (human_open, OPEN, t_open, -1, ck.mail_ua[lead]),
        (proxy_open, OPEN, t_proxy, -1, PROXY_UA),
        (human_click, CLICK, t_click, link, browser),
        (scan_click, CLICK, t_scan, scan_link, np.where(scan_ua_null, -1, scan_ua)),
        (unsub, UNSUBSCRIBE, react, -1, browser),
        (spam, SPAM, react, -1, -1),
    )
    sel, typ, tt, lk, uu = [], [], [], [], []
    for mask, code, times, links, uas in rows:
        idx = np.flatnonzero(mask & (np.broadcast_to(times, (m,)) < ctx.end))
        sel.append(idx)
        typ.append(np.full(idx.size, code))
        tt.append(np.broadcast_to(times, (m,))[idx])
        lk.append(np.broadcast_to(links, (m,))[idx])
        uu.append(np.broadcast_to(uas, (m,))[idx])
    idx, typ_a, t, link_a, ua_a = (np.concatenate(x) for x in (sel, typ, tt, lk, uu))
    order = np.argsort(t, kind="stable")
    idx, typ_a, t, link_a, ua_a = idx[order], typ_a[order], t[order], link_a[order], ua_a[order]
    campaign_ids = _take(ctx.campaign_ids, campaign[idx])
    link_urls = _take(V_LINK_URL, np.maximum(link_a, 0), mask=link_a < 0)
    url = pc.binary_join_element_wise(link_urls, campaign_ids, "")
    return pa.table(
        {
            "event_id": ctx.next_ids("email", idx.size),
            "lead_id": _take(ck.lead_ids, ref[idx]),
            "campaign_id": campaign_ids,
            "event_type": _take(V_EMAIL_TYPE, typ_a),
            "url": url,
            "user_agent": _take(V_UA, np.maximum(ua_a, 0), mask=ua_a < 0),
            "occurred_at": _ts(t),
        },
        schema=SCHEMAS["email_events"],
    )


def _before_peak(rng: np.random.Generator, ck: _Chunk, lead: IntArr) -> I64:
    """Times in the weeks before each lead's buying window (never before creation)."""
    t = ck.t_peak[lead] - (rng.gamma(2.0, 5.0, lead.size) * DAY).astype(np.int64)
    early = t < ck.created[lead]
    t[early] = _between(rng, ck.created[lead][early], ck.t_peak[lead][early] + 1)
    return t


def _crm_activities(ck: _Chunk, ctx: _Context, rng: np.random.Generator) -> pa.Table:
    """Calls, meetings, webinar registrations/attendance and event attendance."""
    n, end = ck.n, ctx.end
    scale = ACTIVITY_SHARE * ctx.events_per_lead / ACTIVITY_BASE_PER_LEAD
    all_leads = np.arange(n)
    parts: list[tuple[IntArr, int | IntArr, IntArr, I64]] = []  # lead, type, subject, time

    calls = np.repeat(all_leads, rng.poisson(scale * 0.5 * np.exp(0.35 * ck.intent + 0.3 * ck.fit_z)))
    t_call = _between(rng, ck.created[calls], np.full(calls.size, end))
    parts.append((calls, CALL, rng.integers(0, len(CALL_SUBJECTS), calls.size), t_call))

    meets = np.repeat(all_leads, rng.poisson(scale * 0.12 * np.exp(0.9 * ck.intent)))
    parts.append((meets, MEETING, MEETING_S0 + rng.integers(0, len(MEETING_SUBJECTS), meets.size),
                  _before_peak(rng, ck, meets)))  # fmt: skip

    won = np.flatnonzero(ck.converted)
    deal = np.repeat(won, 1 + rng.poisson(scale * 1.2, won.size))
    t_deal = ck.t_opp[deal] + (rng.exponential(20.0, deal.size) * DAY).astype(np.int64)
    first_deal = _run_starts(deal)
    t_deal[first_deal] = ck.t_opp[deal[first_deal]] + rng.integers(MINUTE, 3 * HOUR, first_deal.sum())
    parts.append((deal, MEETING, DEAL_S0 + rng.integers(0, len(DEAL_SUBJECTS), deal.size), t_deal))

    n_reg = rng.poisson(scale * 0.25 * np.exp(0.7 * ck.intent)) + (ck.source == SOURCE_WEBINAR)
    reg = np.repeat(all_leads, n_reg)
    first_web = np.searchsorted(ctx.webinar_t, ck.created[reg] + DAY, side="right")
    has_next = first_web < ctx.webinar_t.size
    reg, first_web = reg[has_next], first_web[has_next]
    webinar = first_web + (rng.random(reg.size) * (ctx.webinar_t.size - first_web)).astype(np.intp)
    signup = _run_starts(reg) & (ck.source[reg] == SOURCE_WEBINAR)  # registration behind the lead source
    webinar[signup] = first_web[signup]
    t_web = ctx.webinar_t[webinar]
    t_reg = np.maximum(t_web - (rng.uniform(1.0, 14.0, reg.size) * DAY).astype(np.int64), ck.created[reg])
    parts.append((reg, WEBINAR_REGISTERED, ctx.webinar_subject[webinar], t_reg))
    attend = rng.random(reg.size) < _sigmoid(-0.2 + 0.7 * ck.intent[reg])
    parts.append((reg[attend], WEBINAR_ATTENDED, ctx.webinar_subject[webinar[attend]],
                  t_web[attend] + rng.integers(0, 10 * MINUTE, attend.sum())))  # fmt: skip

    at_event = ck.source == SOURCE_EVENT
    ev = np.repeat(all_leads, rng.poisson(scale * 0.04 * np.exp(0.4 * ck.intent)) + at_event)
    t_ev = _between(rng, ck.created[ev], np.full(ev.size, end))
    first_ev = _run_starts(ev) & at_event[ev]
    t_ev[first_ev] = ck.created[ev[first_ev]] + rng.integers(MINUTE, HOUR, first_ev.sum())
    parts.append((ev, EVENT_ATTENDED, EVENT_S0 + rng.integers(0, len(EVENT_NAMES), ev.size), t_ev))

    lead = np.concatenate([p[0] for p in parts])
    kind = np.concatenate([np.broadcast_to(p[1], p[0].shape) for p in parts])
    subject = np.concatenate([p[2] for p in parts])
    t = np.concatenate([p[3] for p in parts])
    ok = t < end
    lead, kind, subject, t = lead[ok], kind[ok], subject[ok], t[ok]
    lead = _reassign_to_duplicate(rng, ck, lead, t, eligible=kind == CALL)
    order = np.argsort(t, kind="stable")
    return pa.table(
        {
            "activity_id": ctx.next_ids("activity", order.size),
            "lead_id": _take(ck.lead_ids, lead[order]),
            "activity_type": _take(V_ACTIVITY_TYPE, kind[order]),
            "subject": _take(V_SUBJECT, subject[order]),
            "occurred_at": _ts(t[order]),
        },
        schema=SCHEMAS["crm_activities"],
    )


def _opportunities(ck: _Chunk, ctx: _Context, rng: np.random.Generator) -> pa.Table:
    """One opportunity per converted lead; closed if its sales cycle ended before ``end_date``."""
    lead = np.flatnonzero(ck.converted)
    k = lead.size
    created = ck.t_opp[lead]
    cycle = (SALES_CYCLE_DAYS * rng.weibull(SALES_CYCLE_SHAPE, k) * DAY).astype(np.int64) + HOUR
    closed = created + cycle < ctx.end
    won = closed & (rng.random(k) < _sigmoid(WIN_RATE_LOGIT + 0.5 * ck.fit_z[lead]))
    progress = np.clip((ctx.end - created) / cycle, 0.0, 0.999)
    stage = np.where(closed, np.where(won, 3, 4), np.floor(progress * 3).astype(np.intp))
    amount = np.round(12_000 * (ck.employees[lead] / 100) ** 0.4 * rng.lognormal(0.0, 0.5, k), -2)
    order = np.argsort(created, kind="stable")
    return pa.table(
        {
            "opportunity_id": ctx.next_ids("opportunity", k),
            "lead_id": _take(ck.lead_ids, lead[order]),
            "created_at": _ts(created[order]),
            "stage": _take(V_STAGE, stage[order]),
            "is_closed": pa.array(closed[order]),
            "is_won": pa.array(won[order]),
            "closed_at": _ts((created + cycle)[order], mask=~closed[order]),
            "amount": pa.array(amount[order]),
        },
        schema=SCHEMAS["opportunities"],
    )


def _sales_feedback(ck: _Chunk, ctx: _Context, rng: np.random.Generator) -> pa.Table:
    """Rep ratings (correlated with the true probability) and disqualifications."""
    n, end = ck.n, ctx.end
    rated = np.flatnonzero(rng.random(n) < 0.05 + 0.25 * _sigmoid(1.5 * (ck.intent - 1.0)))
    rating = 1 + np.searchsorted(RATING_CUTS, ck.logit[rated] + 0.9 * rng.standard_normal(rated.size))
    student = ck.persona == STUDENT_PERSONA
    competitor = ck.persona == COMPETITOR
    reasons = (
        (0, np.flatnonzero(~ck.budget & (ck.p < np.median(ck.p)) & (rng.random(n) < 0.04))),
        (1, np.flatnonzero(student & (rng.random(n) < 0.35))),
        (2, np.flatnonzero(competitor & (rng.random(n) < 0.6))),
        (3, np.flatnonzero((ck.seniority >= IC) & (rng.random(n) < 0.02))),
    )
    dq_lead = np.concatenate([r[1] for r in reasons])
    dq_reason = np.concatenate([np.full(r[1].size, r[0]) for r in reasons])
    dup_dq = np.flatnonzero(rng.random(ck.dup_src.size) < 0.3)
    lead = np.concatenate([rated, dq_lead, ck.n + dup_dq])
    origin = np.concatenate([rated, dq_lead, ck.dup_src[dup_dq]])
    start = np.concatenate([ck.created[rated], ck.created[dq_lead], ck.dup_created[dup_dq]])
    t = _between(rng, start + HOUR, np.full(lead.size, end))
    t = np.minimum(t, end - 1)
    rating_all = np.concatenate([rating, np.zeros(dq_lead.size + dup_dq.size, dtype=np.int64)])
    reason_all = np.concatenate([np.full(rated.size, -1), dq_reason, np.full(dup_dq.size, 4)])
    order = np.argsort(t, kind="stable")
    is_rating = reason_all[order] < 0
    return pa.table(
        {
            "feedback_id": ctx.next_ids("feedback", order.size),
            "lead_id": _take(ck.lead_ids, lead[order]),
            "rep_id": _take(V_REPS, ck.owner[origin[order]]),
            "rating": pa.array(rating_all[order].astype(np.int32), mask=~is_rating),
            "disqualification_reason": _take(V_DQ, np.maximum(reason_all[order], 0), mask=is_rating),
            "created_at": _ts(t[order]),
        },
        schema=SCHEMAS["sales_feedback"],
    )


def _truth(ck: _Chunk) -> pa.Table:
    """Ground truth: originals with their outcome, duplicates with the original's p and no conversion."""
    return pa.table(
        {
            "lead_id": ck.lead_ids,
            "true_conversion_probability": pa.array(np.concatenate([ck.p, ck.p[ck.dup_src]])),
            "has_converted": pa.array(np.concatenate([ck.converted, np.zeros(ck.dup_src.size, dtype=bool)])),
        },
        schema=SCHEMAS[TRUTH_FILE],
    )


# --------------------------------------------------------------------------------------------------------
# Output and public API
# --------------------------------------------------------------------------------------------------------
class _ParquetSink:
    """Streams tables into one zstd parquet file per entity (written to ``*.tmp``, renamed on close)."""

    def __init__(self, paths: dict[str, Path]) -> None:
        self.paths = paths
        self.rows = dict.fromkeys(paths, 0)
        self.writers = {
            name: pq.ParquetWriter(self._tmp(path), SCHEMAS[name], compression=COMPRESSION)
            for name, path in paths.items()
        }

    @staticmethod
    def _tmp(path: Path) -> Path:
        return path.with_name(path.name + ".tmp")

    def write(self, name: str, table: pa.Table) -> None:
        """Append one chunk's table to the file of ``name``."""
        if table.num_rows:
            self.writers[name].write_table(table)
            self.rows[name] += table.num_rows

    def abort(self) -> None:
        """Close and delete the unfinished files."""
        for name, writer in self.writers.items():
            writer.close()
            self._tmp(self.paths[name]).unlink(missing_ok=True)

    def close(self) -> dict[str, int]:
        """Finish all files and move them into place; return the row counts."""
        for name, writer in self.writers.items():
            writer.close()
            self._tmp(self.paths[name]).replace(self.paths[name])
        return dict(self.rows)


def generate(
    out_dir: Path,
    truth_dir: Path,
    leads: int = 10_000,
    events_per_lead: float = 50.0,
    days: int = 365,
    end_date: str = "2026-06-30",
    seed: int = 42,
) -> dict[str, int]:
    """Write the raw files into ``out_dir`` and ``lead_truth.parquet`` into ``truth_dir``.

    Returns the number of rows written per file, keyed by file stem (e.g. ``"web_events"``).
    """
    if leads < 1 or days < 1 or events_per_lead < 0:
        raise ValueError("leads and days must be positive and events_per_lead non-negative")
    out_dir, truth_dir = Path(out_dir), Path(truth_dir)
    if out_dir.resolve() == truth_dir.resolve():
        raise ValueError("truth_dir must differ from out_dir: the truth must not sit next to the raw data")
    out_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / f"{name}.parquet" for name in RAW_FILES}
    paths[TRUTH_FILE] = truth_dir / f"{TRUTH_FILE}.parquet"
    for path in paths.values():
        path.unlink(missing_ok=True)

    ctx = _context(days, end_date, leads, events_per_lead, seed)
    builders = (
        ("crm_leads", _crm_leads),
        ("crm_lead_attributes", _lead_attributes),
        ("web_events", _web_events),
        ("email_events", _email_events),
        ("crm_activities", _crm_activities),
        ("opportunities", _opportunities),
        ("sales_feedback", _sales_feedback),
    )
    sink = _ParquetSink(paths)
    try:
        for chunk_no, offset in enumerate(range(0, leads, CHUNK_SIZE)):
            streams = np.random.SeedSequence(seed, spawn_key=(chunk_no + 1,)).spawn(len(builders) + 1)
            rngs = [np.random.default_rng(s) for s in streams]
            ck = _leads_chunk(ctx, rngs[0], offset, min(CHUNK_SIZE, leads - offset))
            for (name, build), rng in zip(builders, rngs[1:], strict=True):
                sink.write(name, build(ck, ctx, rng))
            sink.write(TRUTH_FILE, _truth(ck))
    except BaseException:
        sink.abort()
        raise
    counts = sink.close()
    for name, rows in counts.items():
        print(f"{name:<20} {rows:>12,} rows  {paths[name]}")
    return counts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the ``generate`` command-line options."""
    parser.add_argument("--leads", type=int, default=10_000, help="number of distinct leads (default 10000)")
    parser.add_argument(
        "--events-per-lead", type=float, default=50.0, help="mean web+email+activity rows per lead"
    )
    parser.add_argument("--days", type=int, default=365, help="days of history before --end-date")
    parser.add_argument("--end-date", default="2026-06-30", help="exclusive end of the history, YYYY-MM-DD")
    parser.add_argument("--seed", type=int, default=42, help="random seed")
    parser.add_argument("--out", type=Path, default=Path("data/raw"), help="directory for the raw files")
    parser.add_argument("--truth-dir", type=Path, default=Path("data/truth"), help="directory for the truth")
    parser.add_argument(
        "--append-day",
        action="store_true",
        help="instead: add one day of new events (and a few new leads) after the latest event in --out, "
        "as new files <entity>-YYYY-MM-DD.parquet (uses --seed and --append-share only)",
    )
    parser.add_argument(
        "--append-share",
        type=float,
        default=0.01,
        help="with --append-day: new event rows as a share of the existing ones (default 0.01)",
    )


def run(args: argparse.Namespace) -> int:
    """Run ``generate`` from parsed command-line arguments; return the exit code."""
    if getattr(args, "append_day", False):
        from lead_scoring.append_day import append_day  # append_day imports this module

        append_day(Path(args.out), seed=args.seed, share=args.append_share)
        return 0
    generate(
        Path(args.out),
        Path(args.truth_dir),
        leads=args.leads,
        events_per_lead=args.events_per_lead,
        days=args.days,
        end_date=args.end_date,
        seed=args.seed,
    )
    return 0


if __name__ == "__main__":
    _parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(_parser)
    raise SystemExit(run(_parser.parse_args()))
