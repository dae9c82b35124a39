"""Italian-looking names, places and texts, and valid tax codes, all derived from numbers.

An applicant's details are a pure function of its index and the run's salt (``Namer``), so the
generator never keeps 200,000 applicants in memory: it derives them again when a proposal's
receipt needs them. Tax codes are unique by construction (the index is spelled in letters or
digits) and carry a correct check character, so the application's validators accept them.
"""

import random
from dataclasses import dataclass

from stdnum import luhn
from stdnum.it import codicefiscale

CITIES = [
    ("Roma", "Lazio"), ("Milano", "Lombardia"), ("Napoli", "Campania"), ("Torino", "Piemonte"),
    ("Palermo", "Sicilia"), ("Genova", "Liguria"), ("Bologna", "Emilia-Romagna"),
    ("Firenze", "Toscana"), ("Bari", "Puglia"), ("Catania", "Sicilia"), ("Venezia", "Veneto"),
    ("Verona", "Veneto"), ("Messina", "Sicilia"), ("Padova", "Veneto"), ("Trieste", "Friuli-Venezia Giulia"),
    ("Brescia", "Lombardia"), ("Parma", "Emilia-Romagna"), ("Taranto", "Puglia"), ("Prato", "Toscana"),
    ("Modena", "Emilia-Romagna"), ("Reggio Calabria", "Calabria"), ("Reggio Emilia", "Emilia-Romagna"),
    ("Perugia", "Umbria"), ("Ravenna", "Emilia-Romagna"), ("Livorno", "Toscana"), ("Cagliari", "Sardegna"),
    ("Foggia", "Puglia"), ("Rimini", "Emilia-Romagna"), ("Salerno", "Campania"), ("Ferrara", "Emilia-Romagna"),
    ("Sassari", "Sardegna"), ("Latina", "Lazio"), ("Giugliano in Campania", "Campania"),
    ("Monza", "Lombardia"), ("Siracusa", "Sicilia"), ("Pescara", "Abruzzo"), ("Bergamo", "Lombardia"),
    ("Forlì", "Emilia-Romagna"), ("Trento", "Trentino-Alto Adige"), ("Vicenza", "Veneto"),
    ("Terni", "Umbria"), ("Bolzano", "Trentino-Alto Adige"), ("Novara", "Piemonte"),
    ("Piacenza", "Emilia-Romagna"), ("Ancona", "Marche"), ("Andria", "Puglia"), ("Udine", "Friuli-Venezia Giulia"),
    ("Arezzo", "Toscana"), ("Cesena", "Emilia-Romagna"), ("Lecce", "Puglia"), ("La Spezia", "Liguria"),
    ("Pesaro", "Marche"), ("Alessandria", "Piemonte"), ("Barletta", "Puglia"), ("Catanzaro", "Calabria"),
    ("Pistoia", "Toscana"), ("Brindisi", "Puglia"), ("Pisa", "Toscana"), ("Torre del Greco", "Campania"),
    ("Como", "Lombardia"),
]  # fmt: skip

FIRST = (
    "Giuseppe", "Maria", "Giovanni", "Anna", "Antonio", "Rosa", "Mario", "Angela", "Luigi",
    "Giovanna", "Francesco", "Teresa", "Angelo", "Lucia", "Vincenzo", "Carmela", "Pietro",
    "Caterina", "Salvatore", "Francesca", "Carlo", "Sara", "Franco", "Paola", "Domenico",
    "Chiara", "Bruno", "Giulia", "Paolo", "Elena", "Michele", "Silvia", "Giorgio", "Laura",
    "Marco", "Valentina", "Luca", "Federica", "Andrea", "Martina", "Alessandro", "Serena",
    "Matteo", "Ilaria", "Stefano", "Alessia", "Davide", "Roberta", "Simone",
)  # fmt: skip
LAST = (
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
    "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo",
    "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso",
    "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli", "Vitale",
    "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti", "Parisi", "Villa",
    "Conte", "Ferraro", "Ferri", "Fabbri", "Bianco", "Marini", "Grasso", "Valentini", "Messina",
    "Sala", "De Angelis", "Gatti", "Pellegrini", "Palumbo", "Sanna", "Farina", "Rizzi", "Monti",
)  # fmt: skip
PLACES = (
    "San Lorenzo", "Borgo Vecchio", "Porta Nuova", "Santa Lucia", "San Giovanni", "Case Nuove",
    "Montesanto", "Villaggio Operaio", "Le Vele", "Ponte Rosso", "Rione Alto", "Sant'Anna",
    "Belvedere", "La Marina", "Castello", "Collina Verde", "Fiera", "Stazione", "San Paolo",
    "Madonnella", "Torre Bianca", "Giardini", "Le Fornaci", "San Rocco", "Via Nuova",
    "Cittadella", "Arco Felice", "Sette Fontane", "Campo Grande", "Pineta", "Tre Ponti",
    "San Marco", "Porto", "Quartiere Giardino", "Le Cave", "Borgo Antico", "Santa Croce",
    "Mulini", "Lungofiume",
)  # fmt: skip
ORG_WORDS = (
    "Il Ponte", "Terra Viva", "Mani in Rete", "La Rotonda", "Quartieri Aperti",
    "Semi di Comunità", "Il Cortile", "Officina Sociale", "Altra Via", "Fili Intrecciati",
    "Nuovi Orizzonti", "La Bottega", "Radici", "Passo Dopo Passo", "Il Faro", "Piazza Comune",
    "Tessere", "Colori del Mondo", "L'Approdo", "Casa Aperta", "Il Girasole", "Strade Nuove",
)  # fmt: skip
TITLE_HEADS = (
    "Laboratorio", "Officina", "Rete", "Scuola aperta", "Orti condivisi", "Biblioteca diffusa",
    "Cantiere", "Sportello", "Bottega", "Spazio giovani", "Cucina di comunità", "Atelier",
    "Palestra popolare", "Portierato sociale",
)  # fmt: skip
TITLE_TAILS = (
    "di quartiere", "per la comunità", "delle idee", "dei mestieri", "per i più piccoli",
    "intergenerazionale", "digitale", "del riuso", "della cura", "delle culture",
    "per il lavoro", "a porte aperte",
)  # fmt: skip
SENTENCES = (
    "Il quartiere soffre di una carenza di spazi di aggregazione accessibili a tutte le età.",
    "Molti giovani abbandonano la scuola prima del diploma e non trovano opportunità di formazione.",
    "Le famiglie più fragili faticano a conoscere e a usare i servizi che il Comune già offre.",
    "Proponiamo di riaprire un locale inutilizzato come presidio di comunità gestito dagli abitanti.",
    "Il progetto mette in rete scuole, associazioni e commercianti della zona.",
    "Le attività si svolgono il pomeriggio e il sabato, con un calendario condiviso con i residenti.",
    "Un gruppo di volontari formati accompagna le persone anziane nelle pratiche digitali.",
    "La novità sta nel coinvolgere gli stessi destinatari nella gestione quotidiana delle attività.",
    "Misuriamo i risultati con indicatori semplici, raccolti ogni tre mesi e resi pubblici.",
    "Ci aspettiamo che almeno duecento persone partecipino con regolarità nel primo anno.",
    "Dopo il contributo le attività proseguono grazie a quote simboliche e a un piccolo bar sociale.",
    "Abbiamo già sperimentato il modello in un altro quartiere con buoni risultati.",
    "Il laboratorio insegna un mestiere e aiuta i partecipanti a cercare un lavoro stabile.",
    "Gli spazi verdi abbandonati tornano a essere curati e vissuti dagli abitanti.",
    "La partecipazione delle donne del quartiere è al centro del progetto.",
    "Il progetto nasce da un percorso di ascolto con oltre cento abitanti.",
)
BUDGET_ITEMS = (
    "Coordinamento del progetto", "Educatori e animatori", "Materiali per i laboratori",
    "Affitto della sede", "Comunicazione e sito web", "Attrezzature informatiche",
    "Formazione dei volontari", "Assicurazioni", "Trasporti dei partecipanti",
    "Consulenza amministrativa", "Arredi dello spazio",
)  # fmt: skip
DOCUMENTS = (
    ("Statuto e atto costitutivo", "statuto.pdf"),
    ("Documento d'identità del legale rappresentante", "documento-identita.pdf"),
    ("Piano economico dettagliato", "piano-economico.pdf"),
    ("Curriculum dell'ente", "curriculum.pdf"),
)
MONTHS = "ABCDEHLMPRST"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
COMUNI = ("F839", "F205", "H501", "L219", "A662", "D969", "G273", "A944")
MASK = (1 << 64) - 1


def mix(value: int) -> int:
    """SplitMix64: a fast, well-spread hash of an integer."""
    z = (value + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def person_cf(n: int, salt: int) -> str:
    """A valid codice fiscale, unique for each ``n`` below 26**6."""
    letters = "".join(LETTERS[(n // 26**k) % 26] for k in range(6))
    h = mix(n ^ salt)
    body = (
        f"{letters}{40 + h % 50:02d}{MONTHS[(h >> 8) % 12]}{1 + (h >> 16) % 28:02d}"
        f"{COMUNI[(h >> 24) % len(COMUNI)]}"
    )
    return body + codicefiscale.calc_check_digit(body)


def entity_cf(n: int) -> str:
    """An 11-digit codice fiscale of an entity (9 + serial), with its check digit."""
    body = f"9{n:09d}"
    return body + luhn.calc_check_digit(body)


def vat_number(n: int) -> str:
    body = f"{n:07d}063"
    return body + luhn.calc_check_digit(body)


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    codice_fiscale: str
    email: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Namer:
    """Derives people and texts from integers and the run's salt."""

    def __init__(self, salt: int) -> None:
        self.salt = salt

    def h(self, *parts: int) -> int:
        value = self.salt
        for part in parts:
            value = mix(value ^ part)
        return value

    def person(self, n: int, *, domain: str = "rione.bench") -> Person:
        h = self.h(1, n)
        first, last = FIRST[h % len(FIRST)], LAST[(h >> 12) % len(LAST)]
        handle = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        return Person(first, last, person_cf(n, self.salt), f"{handle}.{n}@{domain}")

    def org_name(self, n: int, prefix: str, city: str) -> str:
        h = self.h(2, n)
        return f"{prefix} {ORG_WORDS[h % len(ORG_WORDS)]} {city}"

    def title(self, rng: random.Random, place: str) -> str:
        return f"{rng.choice(TITLE_HEADS)} {rng.choice(TITLE_TAILS)} a {place}"

    @staticmethod
    def text(rng: random.Random, sentences: int) -> str:
        return " ".join(rng.sample(SENTENCES, sentences))
