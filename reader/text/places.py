"""Place names the recogniser knows without the model: countries, their usual aliases,
and the words that make a name the name of a place (Street, Museum, Lake...)."""

from __future__ import annotations

# Each country (and a few regions) once, by the name we show. Written out here rather
# than downloaded so that nothing is fetched at run time.
COUNTRIES = frozenset("""
Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Australia|
Austria|Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|
Bolivia|Bosnia and Herzegovina|Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burundi|
Cambodia|Cameroon|Canada|Cape Verde|Central African Republic|Chad|Chile|China|Colombia|
Comoros|Costa Rica|Croatia|Cuba|Cyprus|Czech Republic|Democratic Republic of the Congo|
Denmark|Djibouti|Dominica|Dominican Republic|East Timor|Ecuador|Egypt|El Salvador|
Equatorial Guinea|Eritrea|Estonia|Eswatini|Ethiopia|Fiji|Finland|France|Gabon|Gambia|
Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|Guinea-Bissau|Guyana|Haiti|Honduras|
Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Ivory Coast|Jamaica|Japan|
Jordan|Kazakhstan|Kenya|Kiribati|Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|
Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|Maldives|Mali|
Malta|Marshall Islands|Mauritania|Mauritius|Mexico|Micronesia|Moldova|Monaco|Mongolia|
Montenegro|Morocco|Mozambique|Myanmar|Namibia|Nauru|Nepal|Netherlands|New Zealand|Nicaragua|
Niger|Nigeria|North Korea|North Macedonia|Norway|Oman|Pakistan|Palau|Palestine|Panama|
Papua New Guinea|Paraguay|Peru|Philippines|Poland|Portugal|Qatar|Republic of the Congo|
Romania|Russia|Rwanda|Saint Kitts and Nevis|Saint Lucia|Saint Vincent and the Grenadines|
Samoa|San Marino|Sao Tome and Principe|Saudi Arabia|Senegal|Serbia|Seychelles|Sierra Leone|
Singapore|Slovakia|Slovenia|Solomon Islands|Somalia|South Africa|South Korea|South Sudan|
Spain|Sri Lanka|Sudan|Suriname|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|
Thailand|Togo|Tonga|Trinidad and Tobago|Tunisia|Turkey|Turkmenistan|Tuvalu|Uganda|Ukraine|
United Arab Emirates|United Kingdom|United States|Uruguay|Uzbekistan|Vanuatu|Vatican City|
Venezuela|Vietnam|Yemen|Zambia|Zimbabwe|
England|Scotland|Wales|Northern Ireland|Hong Kong|Macau|Puerto Rico|Greenland|Gaza|
West Bank|Europe|Asia|Africa|Antarctica|North America|South America|Latin America|
Middle East|Oceania
""".replace("\n", "").split("|"))

# Other names for the same place; the value is the name we show. Keys are matched on the
# whole mention, so "America" alone is the United States but "Latin America" is not.
ALIASES = {
    "US": "United States", "U.S.": "United States", "U.S": "United States",
    "USA": "United States", "U.S.A.": "United States", "U.S.A": "United States",
    "America": "United States", "United States of America": "United States",
    "the States": "United States",
    "UK": "United Kingdom", "U.K.": "United Kingdom", "U.K": "United Kingdom",
    "Britain": "United Kingdom", "Great Britain": "United Kingdom",
    "UAE": "United Arab Emirates", "U.A.E.": "United Arab Emirates", "Emirates": "United Arab Emirates",
    "PRC": "China", "People's Republic of China": "China", "Mainland China": "China",
    "ROC": "Taiwan", "Republic of China": "Taiwan",
    "DPRK": "North Korea", "Democratic People's Republic of Korea": "North Korea",
    "ROK": "South Korea", "Republic of Korea": "South Korea",
    "Russian Federation": "Russia", "USSR": "Soviet Union", "U.S.S.R.": "Soviet Union",
    "Holland": "Netherlands", "The Netherlands": "Netherlands",
    "Czechia": "Czech Republic", "Burma": "Myanmar", "Türkiye": "Turkey",
    "Côte d'Ivoire": "Ivory Coast", "Cote d'Ivoire": "Ivory Coast",
    "Swaziland": "Eswatini", "Timor-Leste": "East Timor", "Macedonia": "North Macedonia",
    "DRC": "Democratic Republic of the Congo", "DR Congo": "Democratic Republic of the Congo",
    "Viet Nam": "Vietnam", "Republic of Ireland": "Ireland", "Eire": "Ireland",
    "KSA": "Saudi Arabia", "NZ": "New Zealand", "Aotearoa": "New Zealand",
    "Washington, D.C.": "Washington D.C.", "Washington DC": "Washington D.C.",
    "D.C.": "Washington D.C.", "NYC": "New York City", "L.A.": "Los Angeles", "LA": "Los Angeles",
}

# A name whose last word is one of these is a place ("Johnson Space Center",
# "Castlefrank Road"), whatever the model called it.
PLACE_LAST_WORDS = frozenset("""
Airport Arena Avenue Ave Base Beach Boulevard Blvd Bridge Building Canal Canyon Castle
Cathedral Center Centre County Crater Creek Desert Dam Expressway Falls Forest Freeway Gate
Glacier Harbor Harbour Highway Hill Hills Hotel Island Islands Lake Lane Mall Memorial
Monument Mosque Mountain Mountains Museum Palace Park Parkway Peninsula Pier Planetarium
Plaza Port Province Reef Reservoir River Road Sea Square Stadium Station Street Temple
Terrace Tower Towers Turnpike Valley Volcano Zoo
""".split())

# A name whose first word is one of these, followed by a name, is a place
# ("Lake Coatepeque", "Museum of Flight", "Gulf of Mexico").
PLACE_FIRST_WORDS = frozenset("""
Lake Mount Mt Mt. Fort Port Gulf Bay Cape Isle Museum Plains River Strait
""".split())


def canonical_place(name: str) -> str:
    """The name we show for a place: aliases resolved, otherwise the name as written."""
    return ALIASES.get(name, name)


def is_known_place(name: str) -> bool:
    """True for a country, region or alias that names a place on its own."""
    return name in ALIASES or name in COUNTRIES


# A name whose last word is one of these is an event or a publication, not a place or a
# person ("Google Science Fair", "Taipei City Lantern Festival", "Saudi Gazette").
NOT_PLACE_LAST_WORDS = frozenset("""
Fair Festival Expo Exhibition Championship Championships Cup Olympics Games Conference
Summit Awards Prize Week Show Tournament Marathon Gazette Times Post Herald Journal Tribune
Chronicle Daily Weekly Magazine Telegraph Review Courier Sun Star Mirror Express Inquirer
""".split())
