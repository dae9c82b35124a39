"""Names for the invented applicants of the first iQ call: organisations, groups, people, partners.

Every name here is invented for the demo: these organisations, informal groups, partners and
people do not exist.
"""

from dataclasses import dataclass

from rione.applicants.models import LegalForm
from rione.applications.models import Partner


@dataclass(frozen=True)
class ApplicantName:
    name: str
    legal_form: str


def _forms(form: str, names: tuple[str, ...]) -> tuple[ApplicantName, ...]:
    return tuple(ApplicantName(name, form) for name in names)


# 66 organisations of the Third sector, all invented.
ORGANISATIONS: tuple[ApplicantName, ...] = (
    *_forms(
        LegalForm.APS,
        (
            "Associazione Cortili di Carta APS",
            "Associazione Scale e Sorrisi APS",
            "Associazione Tammorra Nova APS",
            "Associazione Ponte dei Vicoli APS",
            "Associazione Lanterne del Borgo APS",
            "Associazione Note di Quartiere APS",
            "Associazione Fili d'Erba Urbani APS",
            "Associazione Passo Lento APS",
            "Associazione Bussola Rossa APS",
            "Associazione Gessetti Colorati APS",
            "Associazione Tetti Aperti APS",
            "Associazione Piazza Bambina APS",
            "Associazione Ali di Tufo APS",
            "Associazione Controvento Est APS",
            "Associazione Girotondo di Pietra APS",
            "Associazione Voci dal Rione APS",
            "Associazione Balconi Fioriti APS",
            "Associazione Mappe Sonore APS",
            "Associazione Semi di Lava APS",
            "Associazione Porte Blu APS",
            "Associazione Trame Leggere APS",
            "Associazione Arco dei Venti APS",
            "Associazione Specchi d'Acqua APS",
            "Associazione Cantiere Gentile APS",
        ),
    ),
    *_forms(
        LegalForm.ODV,
        (
            "Mani Operose ODV",
            "Porta Accanto ODV",
            "Lume di Vicolo ODV",
            "Pane e Parole ODV",
            "Il Passamano ODV",
            "Sentinelle del Cortile ODV",
            "Vicini Vicini ODV",
            "Cuore di Tufo ODV",
            "La Scala Lunga ODV",
            "Filo Rosso Solidale ODV",
            "Tazzina Sospesa ODV",
            "Ombrelli Aperti ODV",
            "Quartiere Amico Est ODV",
            "Gradini di Luce ODV",
        ),
    ),
    *_forms(
        LegalForm.SOCIAL_ENTERPRISE,
        (
            "Officine Meridiane Cooperativa sociale",
            "Il Telaio di Partenope Cooperativa sociale",
            "Terre Alte di Chiaiano Cooperativa sociale",
            "Rotte Urbane Cooperativa sociale",
            "Il Banco dei Mestieri Cooperativa sociale",
            "Bottega Orizzonte Cooperativa sociale",
            "Il Forno di Comunità Cooperativa sociale",
            "Verde Ostinato Cooperativa sociale",
            "Strade Nuove Cooperativa sociale",
            "Il Cortile Operoso Cooperativa sociale",
            "Lavori in Corso Est Cooperativa sociale",
            "Ago e Filo di Vicolo Cooperativa sociale",
            "La Ciurma Cooperativa sociale",
            "Pedalando Insieme Cooperativa sociale",
            "Sapori di Confine Cooperativa sociale",
            "Mestieri Ritrovati Cooperativa sociale",
            "Il Tornio Cooperativa sociale",
            "Approdi Cooperativa sociale",
            "Impresa Sociale Quartieri in Movimento",
            "Impresa Sociale Luci sul Porto",
        ),
    ),
    *_forms(
        LegalForm.PHILANTHROPIC,
        (
            "Fondazione Casa Comune ETS",
            "Fondazione Ponti Sospesi ETS",
            "Fondazione Radici e Ali ETS",
        ),
    ),
    *_forms(
        LegalForm.OTHER_ETS,
        (
            "Sentieri Urbani ETS",
            "Comunità Aperta ETS",
            "Rione Futuro ETS",
            "Cantieri di Prossimità ETS",
            "Spazio Comune Nord ETS",
        ),
    ),
)

# 35 informal groups of residents, all invented.
GROUPS: tuple[str, ...] = (
    "Gruppo informale «Voci di Barra»",
    "Gruppo informale «Scale Aperte»",
    "Gruppo informale «Panchine Parlanti»",
    "Gruppo informale «Mamme in Cortile»",
    "Gruppo informale «Ragazzi del Terrazzo»",
    "Gruppo informale «Bici e Basta»",
    "Gruppo informale «Il Balcone Comune»",
    "Gruppo informale «Orti Ribelli»",
    "Gruppo informale «Fischietti e Tamburi»",
    "Gruppo informale «Le Comari Digitali»",
    "Gruppo informale «Vicolo Stretto, Cuore Largo»",
    "Gruppo informale «Pallone in Piazza»",
    "Gruppo informale «Nonni al Computer»",
    "Gruppo informale «Ago, Filo e Parole»",
    "Gruppo informale «Cineforum del Lunedì»",
    "Gruppo informale «Semi Vaganti»",
    "Gruppo informale «Gli Sbandieratori Gentili»",
    "Gruppo informale «Cucina Aperta»",
    "Gruppo informale «Murales in Famiglia»",
    "Gruppo informale «Coro delle Vele»",
    "Gruppo informale «Lettori di Cortile»",
    "Gruppo informale «Le Sentinelle del Verde»",
    "Gruppo informale «Mani in Pasta»",
    "Gruppo informale «Portoni Aperti»",
    "Gruppo informale «La Ronda del Sorriso»",
    "Gruppo informale «Caffè Sospeso Nord»",
    "Gruppo informale «Ciurma di Terra»",
    "Gruppo informale «Teatro da Balcone»",
    "Gruppo informale «Aquiloni sul Porto»",
    "Gruppo informale «Radici in Vaso»",
    "Gruppo informale «Scacchi in Strada»",
    "Gruppo informale «Rammendo Urbano»",
    "Gruppo informale «Passi in Salita»",
    "Gruppo informale «Compiti Insieme»",
    "Gruppo informale «Sguardi di Quartiere»",
)

FIRST_NAMES_F: tuple[str, ...] = (
    "Anna", "Assunta", "Carmela", "Chiara", "Concetta", "Federica", "Filomena", "Francesca",
    "Giovanna", "Ilaria", "Immacolata", "Lucia", "Luisa", "Marta", "Nunzia", "Patrizia",
    "Raffaella", "Rita", "Serena", "Teresa", "Valeria", "Viviana",
)  # fmt: skip
FIRST_NAMES_M: tuple[str, ...] = (
    "Alessandro", "Antonio", "Carmine", "Ciro", "Davide", "Domenico", "Enzo", "Fabio",
    "Gaetano", "Gennaro", "Giuseppe", "Luigi", "Marco", "Mario", "Nicola", "Pasquale",
    "Raffaele", "Salvatore", "Sergio", "Stefano", "Vincenzo", "Vittorio",
)  # fmt: skip
SURNAMES: tuple[str, ...] = (
    "Acampora", "Ambrosino", "Aprea", "Barone", "Boccia", "Capuano", "Caputo", "Carotenuto",
    "Castaldo", "Cerrone", "Coppola", "D'Amato", "De Rosa", "De Simone", "Di Lorenzo",
    "Esposito", "Fiorentino", "Gallo", "Giordano", "Iacono", "Improta", "La Marca", "Longobardi",
    "Mancini", "Marra", "Napolitano", "Orefice", "Palumbo", "Pisani", "Riccio", "Ruggiero",
    "Sannino", "Scognamiglio", "Somma", "Testa", "Vitale",
)  # fmt: skip

STREETS: tuple[str, ...] = (
    "Via delle Ginestre", "Vico dei Lampioni", "Via del Tufo", "Salita dei Gelsomini",
    "Via delle Lavandaie", "Vico del Pozzo Antico", "Via dei Cordai", "Rampa dei Fiori",
    "Via del Mandracchio Nuovo", "Piazzetta dei Tessitori",
)  # fmt: skip


@dataclass(frozen=True)
class PartnerName:
    name: str
    kind: str
    resources: str


PARTNERS: tuple[PartnerName, ...] = (
    PartnerName(
        "Istituto comprensivo «Girasoli» (dimostrativo)",
        Partner.Kind.SCHOOL,
        "Aule e palestra il pomeriggio; insegnanti referenti.",
    ),
    PartnerName(
        "Liceo «Vele d'Autunno» (dimostrativo)",
        Partner.Kind.SCHOOL,
        "Studenti in alternanza e un laboratorio informatico.",
    ),
    PartnerName(
        "Biblioteca di quartiere «Pagine Nord» (dimostrativa)",
        Partner.Kind.LIBRARY,
        "Prestito di libri e sala lettura per gli incontri.",
    ),
    PartnerName(
        "Museo del Mare e dei Mestieri (dimostrativo)",
        Partner.Kind.MUSEUM,
        "Visite gratuite e materiali didattici.",
    ),
    PartnerName(
        "Laboratorio di ricerca sulla città (dimostrativo)",
        Partner.Kind.UNIVERSITY,
        "Analisi dei bisogni e valutazione d'impatto.",
    ),
    PartnerName(
        "Falegnameria Fratelli Lignei (dimostrativa)",
        Partner.Kind.BUSINESS,
        "Tirocini in bottega e attrezzi in comodato.",
    ),
    PartnerName(
        "Forno del Rione snc (dimostrativo)",
        Partner.Kind.BUSINESS,
        "Pane e prodotti da forno per le attività.",
    ),
    PartnerName(
        "Associazione Tamburi di Strada (dimostrativa)",
        Partner.Kind.ETS,
        "Animatori e strumenti musicali.",
    ),
    PartnerName(
        "Centro sportivo Vele Nuove (dimostrativo)",
        Partner.Kind.OTHER,
        "Campo di calcetto e spogliatoi.",
    ),
    PartnerName(
        "Parrocchia di quartiere (partner dimostrativo)",
        Partner.Kind.OTHER,
        "Sala parrocchiale due sere alla settimana.",
    ),
)

PARTNER_ROLES: tuple[str, ...] = (
    "Ospita parte delle attività e coinvolge i propri utenti.",
    "Co-progetta i laboratori e mette a disposizione personale.",
    "Promuove l'iniziativa e orienta i partecipanti.",
)

COMMENTS: tuple[str, ...] = (
    "Idea chiara, radicata nel quartiere; sostenibilità da approfondire nel percorso.",
    "Bisogno ben documentato; il piano delle attività è realistico.",
    "Proposta originale; la rete di sostegno va rafforzata.",
    "Buona coerenza con l'avviso; destinatari ben individuati.",
)
