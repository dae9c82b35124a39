"""Taxonomies every new city starts with; each city edits its own copy."""

from rione.territory.models import ApplicantCategory as C
from rione.territory.models import RuntsSection as R

# (slug, Italian name, English name)
SECTORS = [
    ("turismo-arte-cultura", "Turismo, arte e cultura", "Tourism, art and culture"),
    ("formazione-lavoro", "Formazione e orientamento al lavoro", "Training and job orientation"),
    (
        "welfare-coesione",
        "Welfare, servizi alla persona e coesione sociale",
        "Welfare, personal services and social cohesion",
    ),
    ("attivita-produttive", "Attività produttive", "Productive activities"),
    (
        "educazione-inclusione",
        "Educazione e inclusione scolastica",
        "Education and school inclusion",
    ),
    (
        "ambiente-spazi",
        "Ambiente e cura degli spazi comuni",
        "Environment and care of common spaces",
    ),
    ("sport-benessere", "Sport e benessere", "Sport and well-being"),
]

TARGET_GROUPS = [
    (
        "giovani-15-35",
        "Giovani e studenti fra i 15 e i 35 anni",
        "Young people and students aged 15-35",
    ),
    ("comunita-locali", "Comunità locali", "Local communities"),
    ("bambini-preadolescenti", "Bambini e preadolescenti", "Children and pre-teens"),
    ("migranti", "Migranti", "Migrants"),
    ("neet", "NEET", "NEET"),
    ("fasce-fragili", "Fasce fragili delle comunità", "Fragile groups of the community"),
    ("disoccupati", "Disoccupati", "Unemployed people"),
    ("donne-fragilita", "Donne in condizioni di fragilità", "Women in fragile conditions"),
    ("anziani", "Anziani", "Older people"),
    ("persone-con-disabilita", "Persone con disabilità", "People with disabilities"),
    ("inquilini-erp", "Inquilini di edilizia residenziale pubblica", "Public-housing tenants"),
]

# (slug, Italian name, English name, category, RUNTS section)
APPLICANT_TYPES = [
    ("odv", "Organizzazione di volontariato (ODV)", "Volunteer organisation (ODV)", C.ETS, R.ODV),
    (
        "aps",
        "Associazione di promozione sociale (APS)",
        "Social-promotion association (APS)",
        C.ETS,
        R.APS,
    ),
    ("ente-filantropico", "Ente filantropico", "Philanthropic body", C.ETS, R.PHILANTHROPIC),
    (
        "impresa-sociale",
        "Impresa sociale, incluse le cooperative sociali",
        "Social enterprise, including social cooperatives",
        C.ETS,
        R.SOCIAL_ENTERPRISE,
    ),
    ("rete-associativa", "Rete associativa", "Network association", C.ETS, R.NETWORK_ASSOCIATION),
    ("mutuo-soccorso", "Società di mutuo soccorso", "Mutual-aid society", C.ETS, R.MUTUAL_AID),
    ("altro-ets", "Altro ente del Terzo settore", "Other third-sector entity", C.ETS, R.OTHER_ETS),
    (
        "gruppo-informale",
        "Gruppo informale di cittadini",
        "Informal group of citizens",
        C.INFORMAL_GROUP,
        "",
    ),
    ("rete-partenariato", "Rete di partenariato", "Partnership network", C.NETWORK, ""),
    ("impresa", "Impresa", "Business", C.BUSINESS, ""),
    ("scuola", "Scuola", "School", C.SCHOOL, ""),
    ("universita", "Università o ente di ricerca", "University or research body", C.UNIVERSITY, ""),
    (
        "istituzione-culturale",
        "Museo, biblioteca o istituzione culturale",
        "Museum, library or cultural institution",
        C.CULTURAL_INSTITUTION,
        "",
    ),
    ("ente-pubblico", "Ente pubblico", "Public body", C.PUBLIC_BODY, ""),
]

COST_CATEGORIES = [
    ("personale", "Personale", "Staff"),
    ("consulenze", "Consulenze e servizi esterni", "Consultancy and external services"),
    ("attrezzature", "Attrezzature e arredi", "Equipment and furniture"),
    ("materiali", "Materiali di consumo", "Consumables"),
    ("comunicazione", "Comunicazione e promozione", "Communication and promotion"),
    ("spazi-utenze", "Affitto di spazi e utenze", "Rent of premises and utilities"),
    ("viaggi", "Viaggi e trasferte", "Travel"),
    ("spese-generali", "Spese generali", "Overheads"),
]
