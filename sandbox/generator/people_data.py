"""Names, streets, cities and phone prefixes per country, for customers, buyers and addresses.

The lists are deliberately full of non-ASCII letters (Åsa Öberg, Jürgen, Zoë, José, Łukasz, 李) because a
pipeline that mangles encodings must fail its tests here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CountryPeople:
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    cities: tuple[str, ...]
    zip_format: str  # "#" = a digit, "A" = a letter
    phone_prefix: str
    states: tuple[str, ...] = ()  # filled only where addresses carry a state


_NORDIC_STREETS = (
    "Storgatan",
    "Drottninggatan",
    "Sveavägen",
    "Götgatan",
    "Kungsgatan",
    "Skolgatan",
    "Åsögatan",
)
_GERMAN_STREETS = ("Hauptstraße", "Königsallee", "Müllerstraße", "Schloßstraße", "Goethestraße", "Gartenweg")
_ENGLISH_STREETS = ("High Street", "Church Road", "Station Road", "Main Street", "Park Avenue", "Elm Street")

PEOPLE: dict[str, CountryPeople] = {
    "SE": CountryPeople(
        (
            "Åsa",
            "Björn",
            "Märta",
            "Linnéa",
            "Erik",
            "Karin",
            "Oskar",
            "Maja",
            "Göran",
            "Ingrid",
            "Johan",
            "Elin",
        ),
        ("Öberg", "Lindström", "Åkesson", "Nyström", "Johansson", "Ek", "Sjöberg", "Håkansson", "Söderlund"),
        _NORDIC_STREETS,
        ("Stockholm", "Göteborg", "Malmö", "Uppsala", "Umeå", "Västerås", "Örebro", "Linköping"),
        "### ##",
        "+46 7",
    ),
    "DK": CountryPeople(
        ("Søren", "Mette", "Jens", "Freja", "Anders", "Ida", "Mads", "Astrid"),
        ("Jørgensen", "Nielsen", "Møller", "Sørensen", "Hansen", "Kjær"),
        ("Nørregade", "Vesterbrogade", "Østerbrogade", "Strøget", "Amagerbrogade"),
        ("København", "Aarhus", "Odense", "Aalborg"),
        "####",
        "+45 ",
    ),
    "NO": CountryPeople(
        ("Ola", "Kari", "Håkon", "Ingvild", "Bjørn", "Sigrid", "Øystein", "Solveig"),
        ("Hansen", "Bjørnstad", "Haugen", "Lien", "Dahl", "Solberg", "Ødegård"),
        ("Karl Johans gate", "Storgata", "Bygdøy allé", "Thorvald Meyers gate"),
        ("Oslo", "Bergen", "Trondheim", "Tromsø", "Stavanger"),
        "####",
        "+47 ",
    ),
    "FI": CountryPeople(
        ("Aino", "Mikko", "Päivi", "Jyrki", "Emilia", "Väinö", "Sanna", "Jussi"),
        ("Virtanen", "Mäkinen", "Järvinen", "Heikkilä", "Korhonen", "Hämäläinen"),
        ("Mannerheimintie", "Aleksanterinkatu", "Hämeenkatu", "Yliopistonkatu"),
        ("Helsinki", "Espoo", "Tampere", "Turku", "Oulu"),
        "#####",
        "+358 4",
    ),
    "DE": CountryPeople(
        ("Jürgen", "Anna", "Lukas", "Jörg", "Sophie", "Günther", "Lea", "Maximilian"),
        ("Müller", "Groß", "Schröder", "Weiß", "Becker", "Köhler", "Fuchs", "Schäfer"),
        _GERMAN_STREETS,
        ("Berlin", "München", "Hamburg", "Köln", "Düsseldorf", "Frankfurt am Main"),
        "#####",
        "+49 1",
    ),
    "AT": CountryPeople(
        ("Jürgen", "Katharina", "Florian", "Anna", "Stefan"),
        ("Gruber", "Huber", "Wagner", "Pöschl", "Müller"),
        _GERMAN_STREETS,
        ("Wien", "Graz", "Linz", "Salzburg", "Innsbruck"),
        "####",
        "+43 6",
    ),
    "CH": CountryPeople(
        ("Jürg", "Regula", "Beat", "Séverine", "Urs"),
        ("Meier", "Schnyder", "Brändli", "Rochat", "Zürcher"),
        ("Bahnhofstrasse", "Rue du Rhône", "Marktgasse"),
        ("Zürich", "Genève", "Basel", "Bern"),
        "####",
        "+41 7",
    ),
    "FR": CountryPeople(
        ("Zoë", "Chloé", "Hélène", "François", "Théo", "Léa", "Mathieu", "Noémie"),
        ("Lefèvre", "Dubois", "Moreau", "Girard", "Leroy", "Bélanger"),
        ("Rue de Rivoli", "Boulevard Saint-Germain", "Rue de la Paix", "Avenue des Champs-Élysées"),
        ("Paris", "Lyon", "Marseille", "Nantes", "Bordeaux"),
        "#####",
        "+33 6",
    ),
    "BE": CountryPeople(
        ("Zoë", "Lotte", "Arnaud", "Wout", "Céline"),
        ("Peeters", "Janssens", "Dubois", "Maes", "Lambert"),
        ("Rue Neuve", "Meir", "Avenue Louise"),
        ("Bruxelles", "Antwerpen", "Gent", "Liège"),
        "####",
        "+32 4",
    ),
    "NL": CountryPeople(
        ("Daan", "Sanne", "Zoë", "Noor", "Bram", "Joëlle", "Sem"),
        ("de Vries", "van den Berg", "Jansen", "Bakker", "Visser", "de Jong"),
        ("Kalverstraat", "Herengracht", "Damrak", "Coolsingel"),
        ("Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven"),
        "#### AA",
        "+31 6",
    ),
    "ES": CountryPeople(
        ("José", "María", "Lucía", "Álvaro", "Iñigo", "Sofía"),
        ("García", "Martínez", "Peña", "López", "Fernández", "Muñoz"),
        ("Calle Mayor", "Gran Vía", "Paseo de Gràcia", "Calle de Alcalá"),
        ("Madrid", "Barcelona", "Valencia", "Sevilla", "Bilbao"),
        "#####",
        "+34 6",
    ),
    "IT": CountryPeople(
        ("Giulia", "Luca", "Niccolò", "Chiara", "Matteo", "Francesca"),
        ("Rossi", "Bianchi", "Ricci", "Esposito", "Romano", "Colombo"),
        ("Via Roma", "Corso Buenos Aires", "Via del Corso", "Via Garibaldi"),
        ("Milano", "Roma", "Torino", "Firenze", "Bologna"),
        "#####",
        "+39 3",
    ),
    "IE": CountryPeople(
        ("Aoife", "Seán", "Niamh", "Ciarán", "Zoë"),
        ("O'Brien", "Murphy", "Kelly", "Ó Súilleabháin", "Walsh"),
        ("O'Connell Street", "Grafton Street", "Patrick Street"),
        ("Dublin", "Cork", "Galway", "Limerick"),
        "A## AAAA",
        "+353 8",
    ),
    "PL": CountryPeople(
        ("Łukasz", "Zofia", "Wojciech", "Agnieszka", "Paweł", "Małgorzata"),
        ("Kowalski", "Wiśniewska", "Wójcik", "Kamińska", "Lewandowski"),
        ("ulica Marszałkowska", "ulica Floriańska", "aleja Jana Pawła II"),
        ("Warszawa", "Kraków", "Łódź", "Wrocław", "Gdańsk"),
        "##-###",
        "+48 5",
    ),
    "GB": CountryPeople(
        ("Oliver", "Emma", "Zoë", "Harry", "Grace", "Siobhan", "娜"),
        ("Smith", "O'Brien", "Jones", "Taylor", "Brown", "Williams", "李"),
        _ENGLISH_STREETS,
        ("London", "Manchester", "Edinburgh", "Bristol", "Leeds"),
        "AA# #AA",
        "+44 7",
    ),
    "US": CountryPeople(
        ("Olivia", "Liam", "Emma", "Noah", "Ava", "José", "Zoë", "伟"),
        ("Johnson", "Williams", "Garcia", "Miller", "Davis", "Nguyen", "李"),
        _ENGLISH_STREETS,
        ("New York", "Los Angeles", "Chicago", "Austin", "Seattle", "Portland"),
        "#####",
        "+1 ",
        ("NY", "CA", "IL", "TX", "WA", "OR"),
    ),
}

# Fixed people every dataset contains, so the encoding cases are always present: (first, last, country).
SHOWCASE_PEOPLE: tuple[tuple[str, str, str], ...] = (
    ("Åsa", "Öberg", "SE"),
    ("Zoë", "Lefèvre", "FR"),
    ("José", "Peña", "ES"),
    ("Jürgen", "Groß", "DE"),
    ("娜", "李", "US"),
)

SECOND_ADDRESS_LINES = ("Lgh 1102", "c/o Andersson", "2 tr", "Apt 4B", "Hinterhaus", "Bâtiment C", "Unit 7")

COMPANY_SUFFIX = {
    "SE": "AB", "DK": "ApS", "NO": "AS", "FI": "Oy", "DE": "GmbH", "AT": "GmbH", "CH": "AG", "NL": "B.V.",
    "BE": "BV", "FR": "SARL", "GB": "Ltd",
}  # fmt: skip
SHOP_WORDS = ("Mode", "Concept Store", "Boutique", "Atelier", "Kläder", "Laden", "Outfitters", "Studio")
