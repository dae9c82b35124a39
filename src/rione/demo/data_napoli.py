"""Napoli and its programme "iQ – I quartieri dell'innovazione" (PON Metro 2014-2020, Azione 3.3.1).

Figures come from the programme's presentation of 18 Feb 2021 (see PRODUCT.md). Times of day,
contacts, FAQ, documents, questions, stories and the call open today are illustrative.
"""

from datetime import date
from decimal import Decimal

from rione.core.clock import rome
from rione.demo.specs import (
    AmendmentSpec,
    CallSpec,
    CitySpec,
    ContentSpec,
    DistrictSpec,
    DocumentSpec,
    FaqSpec,
    FromToday,
    GrantRuleSpec,
    ProgrammeSpec,
    QuestionSpec,
    StageSpec,
)
from rione.programmes.models import AmendmentKind, CallKind, QuestionKind
from rione.territory.models import ApplicantCategory

ETS_AND_GROUPS = (ApplicantCategory.ETS, ApplicantCategory.INFORMAL_GROUP)

DISTRICTS = (
    DistrictSpec(
        "Municipalità 2",
        "M2",
        "municipalita-2",
        ("Avvocata", "Montecalvario", "Mercato", "Pendino", "Porto", "San Giuseppe"),
    ),
    DistrictSpec("Municipalità 3", "M3", "municipalita-3", ("Stella", "San Carlo all'Arena")),
    DistrictSpec(
        "Municipalità 6", "M6", "municipalita-6", ("Ponticelli", "Barra", "San Giovanni a Teduccio")
    ),
    DistrictSpec(
        "Municipalità 8",
        "M8",
        "municipalita-8",
        ("Piscinola", "Marianella", "Chiaiano", "Scampia"),
    ),
)

CITY_VALUES = {
    "name": "Napoli",
    "official_name": "Comune di Napoli",
    "ipa_code": "c_f839",
    "region": "Campania",
    "description": (
        "Il Comune di Napoli usa rione per il programma «iQ – I quartieri dell'innovazione», "
        "finanziato dal PON Metro 2014-2020, che sostiene nuovi servizi di prossimità nei "
        "quartieri delle Municipalità 2, 3, 6 e 8.\n\n"
        "Ambiente dimostrativo: i recapiti dell'Ufficio Relazioni con il Pubblico indicati in "
        "questa pagina sono illustrativi. Prima di usarli, verificali sul sito istituzionale."
    ),
    "address": "Piazza Municipio, Palazzo San Giacomo – 80133 Napoli",
    "email": "urp@comune.napoli.it",
    "pec": "protocollo@pec.comune.napoli.it",
    "phone": "+39 081 795 1111",
    "website": "https://www.comune.napoli.it",
    "office": "Ufficio Relazioni con il Pubblico (URP)",
    "opening_hours": "Lunedì–venerdì 9:00–13:00; martedì e giovedì anche 14:30–16:30",
}

STAGES = (
    StageSpec(
        "Chiamata di idee (2018)",
        "Nel 2018 il Comune ha raccolto idee e bisogni dei quartieri per costruire la politica "
        "e gli strumenti del programma.",
    ),
    StageSpec(
        "Gara per il servizio di accompagnamento (2019)",
        "Nel 2019 il Comune ha affidato con gara il servizio di accompagnamento e supporto allo "
        "sviluppo dei progetti di innovazione sociale.",
    ),
    StageSpec(
        "Fase 1 – Selezione delle idee per l'incubazione",
        "Candidature dal 3 giugno al 10 agosto 2020; selezione fino a un massimo di 60 idee "
        "progettuali da ammettere al percorso di incubazione.",
        starts_on=date(2020, 6, 3),
        ends_on=date(2020, 8, 10),
    ),
    StageSpec(
        "Workshop di accompagnamento",
        "Laboratori di accompagnamento per le idee selezionate, da ottobre 2020 a marzo 2021.",
        starts_on=date(2020, 10, 1),
        ends_on=date(2021, 3, 31),
    ),
    StageSpec(
        "Fase 2 – Contributi a fondo perduto per l'accelerazione",
        "Da marzo 2021 un secondo avviso, riservato a chi ha partecipato al percorso di "
        "incubazione, seleziona le idee più sostenibili, innovative e ad alto impatto sociale "
        "e ambientale per accelerazione, mentorship e contributi a fondo perduto.",
        starts_on=date(2021, 3, 1),
    ),
    StageSpec(
        "Workshop di formazione e supporto alla rendicontazione",
        "Da luglio 2021, laboratori di formazione e di supporto alla rendicontazione delle spese "
        "per i progetti finanziati.",
        starts_on=date(2021, 7, 1),
    ),
    StageSpec(
        "Percorso di mentoring e networking",
        "Mentoring individuale e occasioni di rete tra i progetti, i quartieri e gli altri "
        "soggetti del territorio.",
    ),
)

_ILLUSTRATIVE_DETAILS = (
    "Ambiente dimostrativo: le date e le cifre sono quelle del programma iQ; orari, documenti "
    "richiesti, domande aggiuntive e risposte alle FAQ sono illustrativi."
)

STAGE_1 = CallSpec(
    slug="iq-fase-1",
    title="Avviso iQ – selezione di idee per l'incubazione",
    kind=CallKind.INCUBATION,
    summary=(
        "Il Comune di Napoli seleziona fino a 60 idee di innovazione sociale di gruppi informali "
        "ed enti del Terzo settore per i quartieri delle Municipalità 2, 3, 6 e 8. Le idee "
        "selezionate accedono a un percorso di incubazione e accompagnamento e poi al secondo "
        "avviso per i contributi a fondo perduto."
    ),
    description=(
        "Con iQ – I quartieri dell'innovazione l'amministrazione comunale vuole stimolare "
        "progetti di innovazione sociale da inserire in percorsi di incubazione e "
        "accompagnamento, per strutturarli e renderli sostenibili anche con contributi "
        "economici.\n\n"
        "L'avviso si rivolge a chi sa ideare nuovi servizi di prossimità e di animazione "
        "territoriale che abbiano un impatto diretto su quindici quartieri: Avvocata, "
        "Montecalvario, Mercato, Pendino, Porto e San Giuseppe (Municipalità 2); Stella e San "
        "Carlo all'Arena (Municipalità 3); Ponticelli, Barra e San Giovanni a Teduccio "
        "(Municipalità 6); Piscinola, Marianella, Chiaiano e Scampia (Municipalità 8).\n\n"
        "Settori di intervento: turismo, arte e cultura; formazione e orientamento al lavoro; "
        "welfare, servizi alla persona e coesione sociale; attività produttive; educazione e "
        "inclusione scolastica.\n\n"
        "Le candidature si presentano dal 3 giugno al 10 agosto 2020. Saranno selezionate fino "
        "a 60 idee progettuali, che parteciperanno ai workshop di accompagnamento da ottobre "
        "2020 a marzo 2021. Solo chi completa il percorso potrà partecipare al secondo avviso "
        "per i contributi a fondo perduto.\n\n" + _ILLUSTRATIVE_DETAILS
    ),
    who_can_apply=(
        "Gruppi informali di cittadini ed enti del Terzo settore, da soli o in rete con altri "
        "soggetti (scuole, università, imprese, musei, biblioteche), con un'idea che abbia "
        "effetti diretti su almeno uno dei quindici quartieri dell'avviso."
    ),
    opens_at=rome(2020, 6, 3, 9, 0),
    closes_at=rome(2020, 8, 10, 12, 0),
    drafted=rome(2020, 5, 25, 10, 0),
    published=rome(2020, 5, 29, 12, 0),
    applicant_categories=ETS_AND_GROUPS,
    stage_order=3,
    cap_selected=60,
    contact_email="iq@comune.napoli.it",
    documents=(
        DocumentSpec(
            "Domanda di partecipazione (Allegato A)",
            "Firmata dal referente del gruppo informale o dal legale rappresentante dell'ente "
            "capofila, con la dichiarazione sostitutiva ai sensi del DPR 445/2000.",
        ),
        DocumentSpec(
            "Scheda dell'idea progettuale (Allegato B)",
            "Bisogno del quartiere, servizio proposto, destinatari, risorse e primi passi.",
        ),
        DocumentSpec(
            "Documento d'identità dei componenti del gruppo informale",
            "Per i gruppi informali: un documento valido per ciascun componente.",
            is_mandatory=False,
        ),
        DocumentSpec(
            "Lettere di adesione dei partner",
            "Per le proposte in rete: una lettera per ciascun partner, con le risorse che mette "
            "a disposizione.",
            is_mandatory=False,
        ),
    ),
    questions=(
        QuestionSpec(
            "Quale bisogno del quartiere affronta la vostra idea?",
            "Descrivete il problema e chi lo vive, con dati o esempi concreti.",
            QuestionKind.LONG_TEXT,
            max_length=2000,
        ),
        QuestionSpec(
            "Quante persone compongono il gruppo o la rete?",
            "Contate i componenti del gruppo informale o gli enti della rete, capofila compreso.",
            QuestionKind.NUMBER,
        ),
        QuestionSpec(
            "Avete partecipato alla chiamata di idee iQ del 2018?",
            "La risposta non incide sulla valutazione.",
            QuestionKind.YES_NO,
            is_required=False,
        ),
    ),
    faq=(
        FaqSpec(
            "Un gruppo informale deve costituirsi in associazione per partecipare?",
            "No. I gruppi informali partecipano come tali, indicando i nominativi dei componenti "
            "e un referente. La forma giuridica potrà essere scelta durante il percorso di "
            "incubazione.",
            rome(2020, 6, 15, 10, 0),
        ),
        FaqSpec(
            "L'idea deve svolgersi in uno solo dei quartieri indicati?",
            "No. L'idea può riguardare più quartieri, purché abbia effetti diretti su almeno uno "
            "dei quindici quartieri delle Municipalità 2, 3, 6 e 8.",
            rome(2020, 6, 22, 10, 0),
        ),
        FaqSpec(
            "Quante idee saranno selezionate?",
            "Fino a un massimo di 60 idee progettuali, che accederanno ai workshop di "
            "accompagnamento da ottobre 2020 a marzo 2021.",
            rome(2020, 7, 6, 10, 0),
        ),
        FaqSpec(
            "Questo avviso assegna già un contributo economico?",
            "No. I contributi a fondo perduto sono assegnati con un secondo avviso, riservato a "
            "chi ha partecipato al percorso di incubazione.",
            rome(2020, 7, 20, 10, 0),
        ),
    ),
)

STAGE_2 = CallSpec(
    slug="iq-fase-2",
    title="Avviso iQ – contributi per l'accelerazione",
    kind=CallKind.GRANT,
    summary=(
        "Secondo avviso iQ, riservato a chi ha partecipato al percorso di incubazione: seleziona "
        "le idee più sostenibili, innovative e ad alto impatto sociale e ambientale per "
        "accelerazione, mentorship e contributi a fondo perduto da 30.000 a 50.000 € per i "
        "gruppi informali e da 50.000 a 140.000 € per gli ETS."
    ),
    description=(
        "Il secondo avviso iQ accompagna verso la realizzazione le idee che hanno completato il "
        "percorso di incubazione della fase 1.\n\n"
        "Le idee selezionate accedono a un percorso di accelerazione e mentorship e a un "
        "contributo a fondo perduto: da 30.000 a 50.000 € per i gruppi informali, con un "
        "cofinanziamento minimo del 5 %; da 50.000 a 140.000 € per gli enti del Terzo settore, "
        "con un cofinanziamento minimo del 10 %. Il cofinanziamento è la quota propria del "
        "proponente sul costo totale del progetto.\n\n"
        "Dopo l'assegnazione, da luglio 2021, sono previsti workshop di formazione e di supporto "
        "alla rendicontazione e un percorso di mentoring e networking.\n\n"
        "Ambiente dimostrativo: importi e percentuali sono quelli del programma iQ; i giorni e "
        "gli orari di apertura e di scadenza sono illustrativi."
    ),
    who_can_apply=(
        "Solo i gruppi informali e gli enti del Terzo settore, da soli o in rete, che hanno "
        "partecipato al percorso di incubazione dell'avviso iQ di selezione delle idee."
    ),
    opens_at=rome(2021, 3, 1, 9, 0),
    closes_at=rome(2021, 3, 31, 12, 0),
    drafted=rome(2021, 2, 22, 10, 0),
    published=rome(2021, 2, 26, 12, 0),
    applicant_categories=ETS_AND_GROUPS,
    stage_order=5,
    restricted_to="iq-fase-1",
    contact_email="iq@comune.napoli.it",
    grant_rules=(
        GrantRuleSpec(
            ApplicantCategory.INFORMAL_GROUP, Decimal("30000.00"), Decimal("50000.00"), Decimal("5")
        ),
        GrantRuleSpec(
            ApplicantCategory.ETS, Decimal("50000.00"), Decimal("140000.00"), Decimal("10")
        ),
    ),
    documents=(
        DocumentSpec(
            "Piano di sviluppo del progetto",
            "Attività, tempi, risultati attesi e sostenibilità dopo il contributo.",
        ),
        DocumentSpec(
            "Piano economico con il cofinanziamento",
            "Voci di costo per categoria e quota di cofinanziamento (almeno 5 % per i gruppi "
            "informali, 10 % per gli ETS).",
        ),
    ),
    questions=(
        QuestionSpec(
            "Come sarà sostenibile il servizio dopo il contributo?",
            "Entrate previste, alleanze e risorse del territorio.",
            QuestionKind.LONG_TEXT,
            max_length=2000,
        ),
    ),
    faq=(
        FaqSpec(
            "Chi non ha partecipato alla fase 1 può candidarsi?",
            "No. L'avviso è riservato a chi ha partecipato al percorso di incubazione dell'avviso "
            "iQ di selezione delle idee.",
            rome(2021, 3, 8, 10, 0),
        ),
        FaqSpec(
            "Qual è il cofinanziamento minimo richiesto?",
            "Il 5 % del costo totale del progetto per i gruppi informali e il 10 % per gli enti "
            "del Terzo settore.",
            rome(2021, 3, 10, 10, 0),
        ),
    ),
)

OPEN_CALL = CallSpec(
    slug="iq-nuove-idee",
    title="Avviso iQ – nuove idee per i quartieri (edizione dimostrativa)",
    kind=CallKind.CALL_FOR_IDEAS,
    summary=(
        "Avviso illustrativo dell'ambiente dimostrativo: raccoglie nuove idee di servizi di "
        "prossimità per i quindici quartieri iQ, per provare la presentazione delle proposte "
        "su rione. Non è un avviso reale del Comune di Napoli."
    ),
    description=(
        "Questo avviso è illustrativo: esiste solo nell'ambiente dimostrativo di rione e serve a "
        "provare una candidatura completa, dalla bozza alla ricevuta di presentazione. Non è un "
        "avviso del Comune di Napoli e non assegna contributi.\n\n"
        "Immagina una nuova edizione di iQ: gruppi informali ed enti del Terzo settore propongono "
        "idee di servizi di prossimità e di animazione territoriale per Avvocata, Montecalvario, "
        "Mercato, Pendino, Porto, San Giuseppe, Stella, San Carlo all'Arena, Ponticelli, Barra, "
        "San Giovanni a Teduccio, Piscinola, Marianella, Chiaiano e Scampia.\n\n"
        "Le date di apertura e di scadenza seguono il giorno in cui sono stati caricati i dati "
        "dimostrativi."
    ),
    who_can_apply=(
        "Gruppi informali ed enti del Terzo settore, da soli o in rete, con un'idea per almeno "
        "uno dei quindici quartieri iQ (dati illustrativi)."
    ),
    opens_at=FromToday(-10, 9, 0),
    closes_at=FromToday(30, 12, 0),
    drafted=FromToday(-14, 10, 0),
    published=FromToday(-12, 12, 0),
    applicant_categories=ETS_AND_GROUPS,
    cap_selected=30,
    contact_email="iq@comune.napoli.it",
    keep_open=True,
    documents=(
        DocumentSpec(
            "Scheda dell'idea",
            "Bisogno del quartiere, servizio proposto, destinatari e primi passi.",
        ),
    ),
    questions=(
        QuestionSpec(
            "In quale quartiere avrà sede principale l'attività?",
            "Indica il quartiere in cui si svolgerà la maggior parte delle attività.",
            QuestionKind.SHORT_TEXT,
            max_length=120,
        ),
    ),
    faq=(
        FaqSpec(
            "Questo avviso è reale?",
            "No. È un avviso illustrativo dell'ambiente dimostrativo di rione: puoi usarlo per "
            "provare la piattaforma, ma non assegna contributi.",
            FromToday(-9, 10, 0),
        ),
    ),
    amendments=(
        AmendmentSpec(
            AmendmentKind.CORRECTION,
            "Rettifica n. 1 (illustrativa): la scheda dell'idea può essere firmata anche "
            "digitalmente dal referente.",
            FromToday(-8, 11, 0),
        ),
    ),
)

PROGRAMME = ProgrammeSpec(
    slug="iq",
    title="iQ – I quartieri dell'innovazione",
    summary=(
        "Il programma del Comune di Napoli che seleziona, incuba e finanzia idee di innovazione "
        "sociale di gruppi informali ed enti del Terzo settore in quindici quartieri delle "
        "Municipalità 2, 3, 6 e 8."
    ),
    description=(
        "Attraverso iQ l'amministrazione comunale vuole stimolare progetti di innovazione sociale "
        "da inserire in percorsi di incubazione e accompagnamento, con l'obiettivo di "
        "strutturarli e renderli sostenibili anche attraverso contributi economici.\n\n"
        "Il percorso: nel 2018 una chiamata di idee; nel 2019 la gara per il servizio di "
        "accompagnamento; nel 2020 l'avviso per selezionare le idee da incubare; poi un secondo "
        "avviso per i contributi a fondo perduto, con workshop di formazione, supporto alla "
        "rendicontazione, mentoring e networking.\n\n"
        "Il primo avviso ha selezionato a ottobre 2020, su 101 proposte, 60 idee: 40 di enti del "
        "Terzo settore (17 in rete) e 20 di gruppi informali. I destinatari indicati dalle idee "
        "selezionate: giovani e studenti fra i 15 e i 35 anni (29), comunità locali (13), bambini "
        "e preadolescenti (7), migranti (7), NEET (7), fasce fragili delle comunità (6), "
        "disoccupati (6), donne in condizioni di fragilità (5). Un'idea può indicare più "
        "destinatari.\n\n"
        "Ambiente dimostrativo: i dati del programma vengono dalla presentazione del 18 febbraio "
        "2021; orari, recapiti, FAQ e storie sono illustrativi."
    ),
    funding_source="PON Metro 2014-2020 Asse 3 Azione 3.3.1",
    stages=STAGES,
    calls=(STAGE_1, STAGE_2, OPEN_CALL),
)

NEWS = (
    ContentSpec(
        "aperto-avviso-iq-2020",
        "Aperto l'avviso iQ per le idee di innovazione sociale",
        "Dal 3 giugno al 10 agosto 2020 gruppi informali ed enti del Terzo settore possono "
        "candidare le loro idee per i quindici quartieri iQ.",
        "È aperto l'avviso iQ per la selezione di idee da ammettere al percorso di incubazione. "
        "Le candidature si presentano dal 3 giugno al 10 agosto 2020.\n\n"
        "Saranno selezionate fino a 60 idee, che parteciperanno ai workshop di accompagnamento "
        "da ottobre 2020 a marzo 2021.",
        rome(2020, 6, 3, 9, 30),
        call="iq-fase-1",
    ),
    ContentSpec(
        "selezionate-60-idee",
        "Selezionate 60 idee su 101 proposte",
        "Il primo avviso iQ ha ammesso al percorso di incubazione 60 idee: 40 di enti del Terzo "
        "settore, 17 dei quali in rete, e 20 di gruppi informali.",
        "A ottobre 2020 si è chiusa la selezione del primo avviso iQ: su 101 proposte ricevute "
        "sono state ammesse al percorso di incubazione 60 idee progettuali.\n\n"
        "Quaranta vengono da enti del Terzo settore (17 in rete) e venti da gruppi informali. "
        "Le idee più numerose si rivolgono a giovani e studenti fra i 15 e i 35 anni (29) e alle "
        "comunità locali (13).",
        rome(2020, 10, 30, 12, 0),
        call="iq-fase-1",
    ),
    ContentSpec(
        "secondo-avviso-iq",
        "Il secondo avviso iQ: contributi fino a 140.000 €",
        "Da marzo 2021 chi ha partecipato al percorso di incubazione può chiedere un contributo "
        "a fondo perduto per accelerare la propria idea.",
        "Il secondo avviso iQ è riservato a chi ha partecipato al percorso di incubazione. "
        "Prevede contributi a fondo perduto da 30.000 a 50.000 € per i gruppi informali "
        "(cofinanziamento minimo 5 %) e da 50.000 a 140.000 € per gli enti del Terzo settore "
        "(cofinanziamento minimo 10 %).",
        rome(2021, 3, 1, 9, 30),
        call="iq-fase-2",
    ),
    ContentSpec(
        "nuove-idee-demo",
        "Prova rione con l'avviso dimostrativo «nuove idee per i quartieri»",
        "Un avviso illustrativo, aperto in questi giorni, per provare la candidatura online.",
        "Nell'ambiente dimostrativo di rione è aperto un avviso illustrativo: puoi creare un "
        "account, preparare una proposta e presentarla per ottenere la ricevuta.\n\n"
        "Notizia illustrativa: l'avviso non è un avviso reale del Comune di Napoli.",
        FromToday(-10, 9, 30),
        call="iq-nuove-idee",
    ),
)

_STORY_NOTE = "\n\nStoria illustrativa dell'ambiente dimostrativo: persone e nomi sono di fantasia."

STORIES = (
    ContentSpec(
        "scampia-orto-condiviso",
        "Scampia, un orto tra le Vele",
        "Un gruppo di residenti ha trasformato un'aiuola abbandonata in un orto condiviso dove "
        "ragazzi e pensionati coltivano insieme.",
        "Tutto è cominciato con una pulizia del cortile, un sabato mattina. Poi sono arrivati i "
        "semi, le cassette e un calendario dei turni di irrigazione.\n\n"
        "Oggi l'orto è un punto d'incontro: i ragazzi del quartiere imparano a coltivare dai "
        "pensionati e il raccolto finisce nelle cene di cortile." + _STORY_NOTE,
        rome(2021, 1, 18, 10, 0),
        neighbourhood="Scampia",
        told_by="Gruppo informale «Radici a Scampia» (nome di fantasia)",
    ),
    ContentSpec(
        "ponticelli-ciclofficina",
        "Ponticelli, la ciclofficina che insegna un mestiere",
        "Una ciclofficina di quartiere ripara biciclette usate e forma giovani NEET alla "
        "meccanica.",
        "Nella ciclofficina si entra con una bici rotta e si esce sapendo come ripararla. Chi "
        "vuole resta ad aiutare: alcuni ragazzi oggi seguono i laboratori come tutor.\n\n"
        "Le biciclette rimesse a nuovo vengono prestate a chi deve raggiungere il lavoro o la "
        "scuola." + _STORY_NOTE,
        rome(2021, 2, 8, 10, 0),
        neighbourhood="Ponticelli",
        told_by="Associazione «Pedala Ponticelli» APS (nome di fantasia)",
    ),
    ContentSpec(
        "montecalvario-doposcuola",
        "Montecalvario, un doposcuola nei Quartieri Spagnoli",
        "Volontari e insegnanti in pensione aprono ogni pomeriggio un doposcuola per bambini e "
        "preadolescenti.",
        "Il doposcuola occupa un basso ristrutturato con l'aiuto dei genitori. Si fanno i "
        "compiti, si legge ad alta voce e il venerdì si gioca.\n\n"
        "Le famiglie raccontano che i bambini arrivano a scuola più sereni e con i compiti "
        "fatti." + _STORY_NOTE,
        rome(2021, 2, 22, 10, 0),
        neighbourhood="Montecalvario",
        told_by="Associazione «Compiti in Basso» ODV (nome di fantasia)",
    ),
)

NAPOLI = CitySpec(
    slug="napoli",
    onboarded=rome(2020, 5, 18, 9, 0),
    values=CITY_VALUES,
    districts=DISTRICTS,
    programme=PROGRAMME,
    news=NEWS,
    stories=STORIES,
)
