"""Milano and its programme "Quartieri Connessi" (PON Metro 2014-2020, FESR and FSE).

Lots, sites, budgets, co-financing, duration and the deadline come from the presentation of
18 Feb 2021 (see PRODUCT.md). Street addresses, the Municipio of each site, the opening date,
times of day, contacts, FAQ wording, stories and the call open today are illustrative.
"""

from datetime import date
from decimal import Decimal

from rione.core.clock import rome
from rione.demo.specs import (
    CallSpec,
    CitySpec,
    ContentSpec,
    DistrictSpec,
    DocumentSpec,
    FaqSpec,
    FromToday,
    GrantRuleSpec,
    LotSpec,
    ProgrammeSpec,
    QuestionSpec,
    SiteSpec,
    StageSpec,
)
from rione.programmes.models import CallKind, QuestionKind
from rione.territory.models import ApplicantCategory

# The Municipio and quartiere of each site are our reading of the street map (illustrative).
DISTRICTS = (
    DistrictSpec("Municipio 2", "M2", "municipio-2", ("Padova", "Crescenzago")),
    DistrictSpec("Municipio 4", "M4", "municipio-4", ("Corvetto",)),
    DistrictSpec("Municipio 6", "M6", "municipio-6", ("Barona",)),
    DistrictSpec("Municipio 7", "M7", "municipio-7", ("Quarto Cagnino",)),
    DistrictSpec("Municipio 8", "M8", "municipio-8", ("QT8", "Villapizzone")),
    DistrictSpec("Municipio 9", "M9", "municipio-9", ("Comasina", "Niguarda")),
)

_SITE_NOTE = (
    " Indirizzo e quartiere sono illustrativi: i documenti di presentazione indicano solo il "
    "nome della sede."
)


def _site(slug: str, name: str, address: str, neighbourhood: str, use: str) -> SiteSpec:
    return SiteSpec(
        slug=slug,
        name=name,
        address=address,
        neighbourhood=neighbourhood,
        description=f"Spazio ERP al piano terra, riqualificato con il FESR per {use}.{_SITE_NOTE}",
    )


_CONCIERGE = "una portineria sociale"
_SERVICES = "servizi innovativi e animazione"
_ENTERPRISE = "attività di impresa e comunità"

SITES = (
    _site("boccioni", "Sede Boccioni", "Via Umberto Boccioni 7", "QT8", _CONCIERGE),
    _site(
        "fratelli-zoia",
        "Sede Fratelli Zoia",
        "Via dei Fratelli Zoia 89",
        "Quarto Cagnino",
        _CONCIERGE,
    ),
    _site("omero", "Sede Omero", "Via Omero 12", "Corvetto", _CONCIERGE),
    _site("faenza", "Sede Faenza", "Viale Faenza 20", "Barona", _SERVICES),
    _site("alex-visconti", "Sede Alex Visconti", "Via Alex Visconti 14", "Villapizzone", _SERVICES),
    _site("sant-erlembaldo", "Sede Sant'Erlembaldo", "Via Sant'Erlembaldo 4", "Padova", _SERVICES),
    _site("palmanova", "Sede Palmanova", "Viale Palmanova 59", "Crescenzago", _ENTERPRISE),
    _site("capuana", "Sede Capuana", "Via Luigi Capuana 3", "Comasina", _ENTERPRISE),
    _site(
        "padre-luigi-monti",
        "Sede Padre Luigi Monti",
        "Via Padre Luigi Monti 21",
        "Niguarda",
        _ENTERPRISE,
    ),
)

CITY_VALUES = {
    "name": "Milano",
    "official_name": "Comune di Milano",
    "ipa_code": "c_f205",
    "region": "Lombardia",
    "description": (
        "Il Comune di Milano usa rione per «Quartieri Connessi», il progetto integrato del PON "
        "Metro 2014-2020 che recupera nove spazi di edilizia residenziale pubblica inutilizzati "
        "e sostiene l'avvio di nuovi servizi sociali, culturali e imprenditoriali.\n\n"
        "Ambiente dimostrativo: i recapiti indicati in questa pagina sono illustrativi. Prima di "
        "usarli, verificali sul sito istituzionale."
    ),
    "address": "Piazza della Scala 2 – 20121 Milano",
    "email": "urp@comune.milano.it",
    "pec": "protocollo@postacert.comune.milano.it",
    "phone": "+39 02 0202",
    "website": "https://www.comune.milano.it",
    "office": "Ufficio Relazioni con il Pubblico (URP)",
    "opening_hours": "Lunedì–venerdì 8:30–15:30",
}

STAGES = (
    StageSpec(
        "Presentazione delle proposte e della rete progettuale",
        "Gli enti del Terzo settore presentano la proposta progettuale e la rete dei partner "
        "locali entro il 21 febbraio 2021.",
        ends_on=date(2021, 2, 21),
    ),
    StageSpec(
        "Valutazione e ammissione alla co-progettazione",
        "Una commissione valuta le proposte e ammette le migliori, una per area di progetto, "
        "alla co-progettazione.",
    ),
    StageSpec(
        "Co-progettazione",
        "Per tre mesi il Comune e gli enti ammessi definiscono insieme i servizi, lotto per "
        "lotto, fino al progetto condiviso.",
    ),
    StageSpec(
        "Stipula delle convenzioni e avvio delle attività",
        "Il Comune firma le convenzioni, concede in comodato d'uso gratuito i locali "
        "riqualificati e i servizi partono.",
    ),
    StageSpec(
        "Start-up dei servizi (24 mesi)",
        "Il PON Metro finanzia l'avvio dei servizi per 24 mesi; poi i servizi devono sostenersi "
        "economicamente.",
    ),
)

_LOTS = (
    LotSpec(
        1,
        "Portinerie sociali",
        "Servizi collaborativi a vocazione sociale destinati soprattutto agli inquilini ERP e "
        "alle persone in condizione di svantaggio socioeconomico, per rafforzare la rete di "
        "vicinato.",
        Decimal("120000.00"),
        ("boccioni", "fratelli-zoia", "omero"),
    ),
    LotSpec(
        2,
        "Servizi e animazione",
        "Attività e servizi di animazione a vocazione sociale, culturale e creativa che "
        "migliorano la qualità dell'interazione tra gli abitanti e richiamano persone anche da "
        "fuori quartiere.",
        Decimal("171500.00"),
        ("faenza", "alex-visconti", "sant-erlembaldo"),
    ),
    LotSpec(
        3,
        "Impresa e comunità",
        "Attività microimprenditoriali ad alto impatto sociale che coinvolgono gli inquilini ERP "
        "e le persone svantaggiate come destinatari o come soggetti attivi da inserire e "
        "formare.",
        Decimal("225000.00"),
        ("palmanova", "capuana", "padre-luigi-monti"),
    ),
)

CODESIGN = CallSpec(
    slug="quartieri-connessi-coprogettazione",
    title=(
        "Quartieri Connessi – istruttoria pubblica per la co-progettazione di servizi innovativi"
    ),
    kind=CallKind.CODESIGN,
    summary=(
        "Il Comune di Milano cerca enti del Terzo settore disponibili a co-progettare servizi "
        "innovativi in nove spazi ERP riqualificati, divisi in tre aree di progetto: portinerie "
        "sociali, servizi e animazione, impresa e comunità. Dotazione 516.500 €, start-up di 24 "
        "mesi, cofinanziamento minimo 10 %."
    ),
    description=(
        "Avviso di istruttoria pubblica per individuare enti del Terzo settore disponibili alla "
        "co-progettazione di servizi innovativi, per creare opportunità sociali, culturali e "
        "imprenditoriali in aree urbane svantaggiate.\n\n"
        "Tre aree di progetto, ciascuna con tre sedi operative: 1. Portinerie sociali (Boccioni, "
        "Fratelli Zoia, Omero) – 120.000 €; 2. Servizi e animazione (Faenza, Alex Visconti, "
        "Sant'Erlembaldo) – 171.500 €; 3. Impresa e comunità (Palmanova, Capuana, Padre Luigi "
        "Monti) – 225.000 €. La dotazione complessiva è di 516.500 €, con un cofinanziamento "
        "minimo del 10 %.\n\n"
        "Il Comune finanzia l'avvio e il sostegno dei progetti per uno start-up di 24 mesi e "
        "assegna a titolo gratuito, in comodato d'uso, i locali riqualificati per l'intera "
        "durata del servizio.\n\n"
        "Le proposte devono: sostenersi economicamente dopo i 24 mesi di start-up; essere "
        "radicate nel territorio, con una rete progettuale di partner locali; prevedere la "
        "partecipazione attiva di destinatari specifici, da indicare e stimare nel progetto, in "
        "particolare persone in condizione di fragilità socioeconomica; basarsi su modelli "
        "innovativi di intervento (economia di prossimità, condivisione di risorse e lavoro, "
        "inclusione sociale, welfare di comunità).\n\n"
        "Dopo la scadenza del 21 febbraio 2021: valutazione delle proposte e ammissione alla "
        "co-progettazione, tre mesi di co-progettazione, stipula delle convenzioni e avvio delle "
        "attività.\n\n"
        "Ambiente dimostrativo: lotti, sedi, importi e scadenza sono quelli del progetto; data di "
        "apertura, orari, indirizzi delle sedi, documenti richiesti e FAQ sono illustrativi."
    ),
    who_can_apply=(
        "Enti del Terzo settore, anche in rete con partner locali (scuole, università, imprese, "
        "istituzioni culturali), che garantiscono un cofinanziamento di almeno il 10 % del "
        "costo del progetto."
    ),
    opens_at=rome(2021, 1, 11, 9, 0),
    closes_at=rome(2021, 2, 21, 12, 0),
    drafted=rome(2020, 12, 14, 10, 0),
    published=rome(2021, 1, 8, 12, 0),
    applicant_categories=(ApplicantCategory.ETS,),
    stage_order=1,
    budget=Decimal("516500.00"),
    duration_months=24,
    contact_email="quartiericonnessi@comune.milano.it",
    grant_rules=(
        GrantRuleSpec(ApplicantCategory.ETS, Decimal("0.00"), Decimal("225000.00"), Decimal("10")),
    ),
    lots=_LOTS,
    documents=(
        DocumentSpec(
            "Proposta progettuale",
            "Servizi proposti per l'area di progetto, modello di intervento, destinatari con la "
            "stima dei partecipanti e piano di sostenibilità dopo i 24 mesi.",
        ),
        DocumentSpec(
            "Composizione della rete progettuale",
            "Partner locali, ruolo di ciascuno e risorse che mette a disposizione.",
        ),
        DocumentSpec(
            "Piano economico",
            "Costi dello start-up di 24 mesi e cofinanziamento (almeno il 10 %).",
        ),
    ),
    questions=(
        QuestionSpec(
            "Per quale area di progetto presentate la proposta?",
            "Scegliete una delle tre aree.",
            QuestionKind.CHOICE,
            choices="Portinerie sociali\nServizi e animazione\nImpresa e comunità",
        ),
        QuestionSpec(
            "Come si sosterrà il servizio dopo i 24 mesi di start-up?",
            "Entrate previste, partner e risorse del territorio.",
            QuestionKind.LONG_TEXT,
            max_length=2000,
        ),
    ),
    faq=(
        FaqSpec(
            "I locali sono concessi gratuitamente?",
            "Sì. I locali riqualificati sono assegnati a titolo gratuito, in comodato d'uso, per "
            "l'intera durata del servizio.",
            rome(2021, 1, 20, 10, 0),
        ),
        FaqSpec(
            "Per quanto tempo è finanziato il servizio?",
            "Il finanziamento copre uno start-up di 24 mesi. La proposta deve spiegare come il "
            "servizio si sosterrà economicamente dopo.",
            rome(2021, 1, 27, 10, 0),
        ),
        FaqSpec(
            "Qual è il cofinanziamento minimo?",
            "Il 10 % del costo complessivo del progetto.",
            rome(2021, 2, 3, 10, 0),
        ),
        FaqSpec(
            "Che cosa succede dopo la valutazione?",
            "Le proposte ammesse partecipano a tre mesi di co-progettazione con il Comune; poi si "
            "firmano le convenzioni e partono le attività.",
            rome(2021, 2, 10, 10, 0),
        ),
    ),
)

OPEN_CALL = CallSpec(
    slug="quartieri-connessi-attivita-spazi",
    title="Quartieri Connessi – attività aperte negli spazi di quartiere (avviso dimostrativo)",
    kind=CallKind.CALL_FOR_IDEAS,
    summary=(
        "Avviso illustrativo dell'ambiente dimostrativo: raccoglie proposte di attività aperte "
        "agli abitanti nei nove spazi di Quartieri Connessi, per provare la candidatura su "
        "rione. Non è un avviso reale del Comune di Milano."
    ),
    description=(
        "Questo avviso è illustrativo: esiste solo nell'ambiente dimostrativo di rione. Non è un "
        "avviso del Comune di Milano e non assegna contributi.\n\n"
        "Immagina una nuova chiamata: associazioni e gruppi di abitanti propongono laboratori, "
        "corsi e incontri aperti al quartiere da ospitare nelle sedi di Quartieri Connessi, in "
        "accordo con gli enti che gestiscono i servizi.\n\n"
        "Le date di apertura e di scadenza seguono il giorno in cui sono stati caricati i dati "
        "dimostrativi."
    ),
    who_can_apply=(
        "Enti del Terzo settore e gruppi informali di abitanti dei quartieri di Quartieri "
        "Connessi (dati illustrativi)."
    ),
    opens_at=FromToday(-7, 9, 0),
    closes_at=FromToday(21, 12, 0),
    drafted=FromToday(-11, 10, 0),
    published=FromToday(-9, 12, 0),
    applicant_categories=(ApplicantCategory.ETS, ApplicantCategory.INFORMAL_GROUP),
    contact_email="quartiericonnessi@comune.milano.it",
    keep_open=True,
    documents=(
        DocumentSpec(
            "Programma delle attività",
            "Calendario, sede richiesta, destinatari e numero di partecipanti previsti.",
        ),
    ),
    questions=(
        QuestionSpec(
            "In quale sede vorreste svolgere le attività?",
            "Indicate una o più sedi di Quartieri Connessi.",
            QuestionKind.SHORT_TEXT,
            max_length=200,
        ),
    ),
    faq=(
        FaqSpec(
            "Questo avviso è reale?",
            "No. È un avviso illustrativo dell'ambiente dimostrativo di rione: puoi usarlo per "
            "provare la piattaforma.",
            FromToday(-6, 10, 0),
        ),
    ),
)

PROGRAMME = ProgrammeSpec(
    slug="quartieri-connessi",
    title="Quartieri Connessi",
    summary=(
        "Progetto integrato del Comune di Milano: recupera nove spazi ERP inutilizzati per "
        "servizi alla comunità, crea una piattaforma digitale per gli inquilini e sostiene "
        "l'avvio di nuovi servizi del Terzo settore."
    ),
    description=(
        "Quartieri Connessi vuole far diventare alcune aree della città un punto di riferimento, "
        "con un approccio multidisciplinare di cooperazione tra soggetti pubblici, Terzo settore "
        "e volontariato e con il coinvolgimento attivo dei cittadini.\n\n"
        "Con il FESR il Comune recupera nove spazi di edilizia residenziale pubblica inutilizzati "
        "per servizi alla comunità e realizza una piattaforma digitale per gli inquilini ERP, "
        "che sostiene anche le nuove attività insediate negli spazi.\n\n"
        "Con il FSE sostiene lo start-up di nuovi servizi e attività a vocazione sociale, "
        "culturale e imprenditoriale, attraverso progetti dal basso che uniscono innovazione e "
        "inclusione e che vengono co-progettati con gli enti del Terzo settore.\n\n"
        "Ambiente dimostrativo: i dati del progetto vengono dalla presentazione del 18 febbraio "
        "2021; indirizzi delle sedi, recapiti, FAQ e storie sono illustrativi."
    ),
    funding_source=(
        "PON Metro 2014-2020 – FESR (recupero di 9 spazi ERP inutilizzati) e FSE (start-up dei "
        "nuovi servizi)"
    ),
    stages=STAGES,
    calls=(CODESIGN, OPEN_CALL),
)

NEWS = (
    ContentSpec(
        "quartieri-connessi-avviso-coprogettazione",
        "Quartieri Connessi: proposte entro il 21 febbraio 2021",
        "Gli enti del Terzo settore possono proporsi per co-progettare i servizi di nove spazi "
        "ERP riqualificati. Dotazione complessiva 516.500 €.",
        "È pubblicato l'avviso di istruttoria pubblica di Quartieri Connessi. Tre aree di "
        "progetto – portinerie sociali, servizi e animazione, impresa e comunità – con tre sedi "
        "ciascuna e uno start-up finanziato per 24 mesi.\n\n"
        "Le proposte, con la rete dei partner locali, si presentano entro il 21 febbraio 2021.",
        rome(2021, 1, 11, 9, 30),
        call="quartieri-connessi-coprogettazione",
    ),
    ContentSpec(
        "attivita-spazi-demo",
        "Prova rione con l'avviso dimostrativo sulle attività negli spazi",
        "Un avviso illustrativo, aperto in questi giorni, per provare la candidatura online.",
        "Nell'ambiente dimostrativo di rione è aperto un avviso illustrativo per proporre "
        "attività negli spazi di Quartieri Connessi.\n\n"
        "Notizia illustrativa: l'avviso non è un avviso reale del Comune di Milano.",
        FromToday(-7, 9, 30),
        call="quartieri-connessi-attivita-spazi",
    ),
)

STORIES = (
    ContentSpec(
        "quarto-cagnino-portineria",
        "Quarto Cagnino, la portineria che conosce tutti",
        "In via dei Fratelli Zoia la portineria sociale tiene le chiavi, ritira i pacchi e "
        "mette in contatto chi ha bisogno di una mano con chi può darla.",
        "La mattina la portineria apre alle otto. C'è chi passa per un pacco, chi per chiedere "
        "aiuto con un modulo, chi solo per un caffè.\n\n"
        "Una bacheca raccoglie richieste e offerte di aiuto tra vicini: spesa per chi non esce, "
        "ripetizioni, piccole riparazioni.\n\n"
        "Storia illustrativa dell'ambiente dimostrativo: persone e nomi sono di fantasia.",
        rome(2021, 2, 15, 10, 0),
        neighbourhood="Quarto Cagnino",
        told_by="Cooperativa «Cortili Aperti» (nome di fantasia)",
    ),
)

MILANO = CitySpec(
    slug="milano",
    onboarded=rome(2020, 12, 1, 9, 0),
    values=CITY_VALUES,
    districts=DISTRICTS,
    programme=PROGRAMME,
    sites=SITES,
    news=NEWS,
    stories=STORIES,
)
