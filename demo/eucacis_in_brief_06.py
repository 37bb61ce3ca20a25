"""EUCACIS in Brief No. 6 (February 2019), transcribed from the printed issue.

The text is as printed (its spelling included); footnote markers stand where the
printed superscripts do. `tests/demo/test_demo_content.py` checks it against
the seed text.
"""

INTRODUCTION = "<p>Since the beginning of Shavkat Mirziyoyev´s presidency in Uzbekistan in December 2016, dynamics of Kazakh-Uzbek relations significantly increased. The policies pursued by the current leaders encouraged to deepen and enhance bilateral cooperation in a wide range of fields. Due to the relevance of the regional integration and development of Kazakh-Uzbek relations, the practical meaning of those changes will be explored.</p><p>Dr. Erkin Baydarov is a senior researcher at the Institute of Oriental Studies in Almaty, Kazakhstan. His research interests include politics of Kazakhstan and Central Asia, integration processes in Central Asia, philosophy and sociology of ethno-politics, history of Islam and Kazakh philosophy, social philosophy and cultural anthropology. In this interview, Dr Baydarov evaluates the current political, economic and cultural ties between Kazakhstan and Uzbekistan.</p>"
QUESTIONS = [
    (
        "<p>Due to the new policy of the Uzbek leadership, Kazakh-Uzbek relations have moved to a new stage of development. Could you please specify the main directions of cooperation?</p>",
        "<p>Since the first official visit of the President of Uzbekistan Shavkat Mirziyoyev to Kazakhstan in spring 2018, the Kazakh-Uzbek relations have moved to a qualitatively new level. Political, economic, and trade relations opened a fundamentally new page of interaction between Kazakhstan and Uzbekistan. The Presidents Nursultan Nazarbayev and Shavkat Mirziyoyev established a close relationship that gave a strong impetus to the development of different spheres. Moreover, it could be suggested that the cooperation between the two fraternal nations is experiencing a period of renaissance. That mutual interaction is featured by strengthening and enhancing political, trade and economic cooperation, and has the potential for further growth.</p><p>Noteworthy, Kazakhstan and Uzbekistan have a solid contractual basis. There are more than 200 signed bilateral agreements that cover various areas of cooperation. The main agreements are the Treaty of Eternal Friendship (1998), and the Strategic Partnership (2013), which secure basic principles and priority directions in the political, trade-economic, transport-communication, water-energy, ecological, cultural-humanitarian, military-technical and other areas of bilateral cooperation. Also, during Uzbek president Shavkat Mirziyoyev´s visit to Astana in March 2017, both sides signed the Joint Declaration on further deepening the strategic partnership and strengthening good neighbourliness, as well as the Strategy for Economic Cooperation for 2017-2019.</p><p>From the economic perspective, the volume of mutual trade for nine months of 2018 was more than $2 billion, which is 40% higher than in the same period of 2017 and shows the improvement of economic cooperation[^trade-forum]. While in 2017 the trade turnover amounted around USD 2 billion, both sides set a new goal to bring the trade turnover to USD 3 billion in 2018, while by 2020, they aim to achieve USD 5 billion. As Uzbekistan had expanded the list of allowed goods for export, it became realistic to achieve these goals.</p><p>However, commercial relations during the past 27 years of independence were at a relatively low level for numerous reasons. Even the Agreement on the Creation of a Free Trade Zone (2008) did not change this situation. Nevertheless, it is worth to mention that the total amount of trade has slightly increased. For instance, while in 2012 the total amount of bilateral trade was around USD 2.5 billion, in 2015 it exceeded to USD 3.2 billion. Thus, the potential for growth exists. Particularly, Uzbekistan exports cars and trucks, buses, agricultural machinery, ready-made textiles, electrical and light industry products, building materials, glass, etc. to Kazakhstan. In return Kazakhstan expanded the range of products supplied to Uzbekistan, including metal rolling, ferroalloys, timber, etc. In addition, the cooperation has the potential to expand in areas like agriculture, light and heavy industry, construction, engineering, transport communications, or the oil and gas industry. In order to discuss such opportunities, Kazakhstan and Uzbekistan agreed to hold the First Interregional Forum “Kazakhstan–Uzbekistan” in Astana, and the Regional Economic Forum of Central Asian countries in Tashkent.</p><p>In May 2018, the First Kazakh-Uzbek Business Council meeting and the Joint Business Forum held in Shymkent city were further platforms to discuss the potential of mutual cooperation. During these events, more than 300 entrepreneurs from both countries were discussing the issues of business spheres, including the proposal to launch joint pilot projects on industry cooperation of enterprises, and through cluster production. As an outcome, eight agreements were signed with a total amount of USD 62 million.</p><p>Furthermore, those discussions have led to the launch of new joint projects. Investment projects with Uzbek capital are already implemented in the Turkistan region[^turkistan], and a manufactory for the production of gas stoves has been launched in the South of Kazakhstan. A bitumen plant with an investment volume of USD 8.6 million is under construction in the industrial zone in Shymkent, and several other joint projects were initiated.</p><p>One of the key issues in economic interaction is the provision of reciprocal tariff and non-tariff preferences in the transit routes. Transit routes from Kazakhstan to various Asian countries through Uzbekistan or from Uzbekistan to Russia via Kazakhstan is another existing advantage. A significant increase in transit cooperation between Kazakhstan and Uzbekistan is expected related to the launch of new international communication projects that will connect Central Asia with other regions.</p><p>For the Kazakh business community, the signal should be the new reform of Uzbekistan to increase the inflow of foreign capital into the country’s economy and social sphere. The Decree “On Measures for Cardinal Improvement of the Investment Climate in the Republic of Uzbekistan”, signed in August 2018, is an important step to improve the investment climate and has already shown a wide positive response from the foreign business community. Further, Uzbekistan plans to introduce a new mechanism for providing land for investment activities from 1st October 2018 onwards. That mechanism is expected to increase the long-term lease for non-agricultural land substantially, sale through the auction with the right to permanent ownership of land for the construction of real estate and guarantee the business stability. The new preferences will further stimulate the attraction of direct investments and strengthen investor confidence in the consistency of the state policy in this direction, which also provides new opportunities for the development of Kazakhstan’s business cooperation.</p>",
    ),
    (
        "<p>In the context of the new globalisation trend and changing power shift, what should we expect from the regional Kazakh-Uzbek cooperation?</p>",
        "<p>Uzbekistan is one of the key partners of Kazakhstan in the region that has a special place in our foreign policy agenda. On the peace and stability of these brotherly nations depends development of the region. Therefore, as I mentioned above, the development of trade, economic and investment cooperation, as well as a unified vision on the key international and regional issues is crucial for the region. Uzbekistan supports the global and regional initiatives of Kazakhstan. Kazakhstan’s initiatives for peace, stability, and prosperity of the region are well recognised all over the world. Uzbekistan’s support was seen during the Summit of the Shanghai Cooperation Organization, the EXPO-2017, the First Summit of the Organization of Islamic Cooperation in Science and Technology in Astana, and Kazakhstan’s chairmanship in the UN Security Council in January 2018.</p><p>Kazakhstan and Uzbekistan call Central Asian states to engage in constructive dialogue to strengthen confidence, mutual consideration of interests, ensure effective energy and water conservation, call to find common approaches, new ideas, and initiatives aimed at improving the formats and mechanisms of interaction. If all Central Asian countries switch to cross-border and water-energy cooperation, it would be a breakthrough that would lay the foundation for wider cooperation in the region.</p><p>Meanwhile, national interests in the region that both states have in common, such as security, stability, and diversification of bilateral cooperation, urge to believe that in the future the cooperation between Kazakhstan and Uzbekistan is supposed to be even closer. Both countries share fundamental long-term interests: the preservation of the political stability in the region; the capability to resist regional conflicts; the elimination of tensions and armed conflicts at the borders; the implementation of the projects of integration within the framework of the Central Asian Economic Area; and finally, the creation of a stable system of collective security in the region of Central Asia.</p><p>Besides, the procedure of delimitation of the state border between Kazakhstan and Uzbekistan is expected to settle. Issues remained on some sections of the border, occupying about 4% of the total length. To accelerate the completion of demarcation and the final legal registration of the Kazakh-Uzbek border could set a good trend for other countries in the region. President Nursultan Nazarbayev once mentioned that Kazakhstan would take any actions directed against Uzbekistan as actions directed against Kazakhstan itself and take all measures to counter terrorism effectively.</p>",
    ),
    (
        "<p>In your view, what is the role of Astana in the development of Kazakh-Uzbek relations?</p>",
        "<p>Developing bilateral cooperation is a huge task for both Astana and Tashkent. There is no other option, even though Astana always endeavours to create integration structures with its neighbours, while Tashkent traditionally prefers bilateral cooperation that sometimes leads to certain contradictions between states. Therefore, I would prefer to call the formation of the Astana-Tashkent axis a political duumvirate, which is one of the most important aspects of international cooperation in Central Asia. The emergence of such an “axis” is not a threat, but mostly creates opportunities. Opportunities not only for Kazakhstan and Uzbekistan but also for the neighbouring countries.</p><p>The contemporary complex challenges to national, regional and international security in Central Asia require that Astana expands and deepens the entire range of Kazakh-Uzbek relations. In addition to a fruitful political and economic cooperation and a rich cultural and humanitarian component, a creative and academic connection needs to be included. In this aspect, it seems advisable that the two largest states in the region - Kazakhstan and Uzbekistan - intensify their joint efforts in implementing a number of integration projects in Central Asia to achieve the stability of bilateral and multilateral relations. Shavkat Mirziyoyev’s statement in 2017 at the international conference in Samarkand on the establishment of the Association of Heads of Border Regions of Central Asia is already aiming at this direction, which creates favourable conditions for business. Without external interference, working in border regions allows to establish contacts with each other very fast.</p><p>The fact that not only economic but also military cooperation is strengthening the positions of the two countries coincide on many issues on the international and regional agenda. In 2018, a military cooperation plan was signed between both countries which emphasizes activities of joint operational and combat training and of military education. It is the first such document concluded in almost 27 years of bilateral relations in the military sphere. It shows that Astana and Tashkent are laying the foundation of a possible military-political bloc in Central Asia which is capable of uniting with Kyrgyzstan, Turkmenistan, and Tajikistan. Both Astana and Tashkent are well aware that the geopolitical games in Central Asia, as well as the struggle for resources, will continue. One of the important aspects that Astana and Tashkent should not forget about is their shared responsibility for security and stability in the region and for its peaceful development.</p>",
    ),
    (
        "<p>2018 was the “Year of Uzbekistan” in Kazakhstan, and 2019 will be the “Year of Kazakhstan” in Uzbekistan. In your opinion, how will these events contribute to the development of cultural ties in the region?</p>",
        "<p>Within the framework of the “Year of Uzbekistan”, more than 200 events in the sphere of economy, tourism, and cultural and humanitarian area were planned in Kazakhstan[^year-events]. These events should become a promise of rapprochement between the two fraternal nations to further deepen their friendship relations. The announcement of the “Year of Uzbekistan” in Kazakhstan reflects the genuinely fraternal character of relations between our peoples. It is rooted back in a glorious common history and rich spiritual heritage of both nations. The “Year of Uzbekistan” in Kazakhstan began with a symbolic act in which Shavkat Mirziyoyev was awarded the Dostyk Order of the First degree[^dostyk]. The “Year of Uzbekistan” in Kazakhstan should not just become a symbol of Kazakh-Uzbek friendship and good-neighbourliness, but also a significant contribution to strengthening the partnership and cultural and civilizational rapprochement of the whole region. Cultural and humanitarian ties are urged to play an important role here.</p><p>Moreover, ethnic minorities in each of the republics use various spheres of culture in their daily life. For instance, art with its universal language of communication could be more actively used in the cultural dialogue between the nations. The Central Asian Fair of Artisans with Uzbek masters exemplified collaboration. Art galleries and museums in Astana, Almaty and other cities scheduled exhibitions of works by famous Uzbek artists. There were tours to Kazakhstan of musical and theatrical groups from Uzbekistan. Uzbek filmmakers demonstrate their feature films at competitive screenings of film festivals held in Kazakhstan.</p><p>Moreover, the further expansion of the partnership between universities and research institutes is advisable. These issues were also discussed in mid-August 2018 at the Institute of History of the Academy of Sciences of Uzbekistan during the Round Table “Prospects for the development of Kazakh-Uzbek scientific cooperation.” Systematizing academic mobility can be an opportunity for cooperation. The decision to allocate 10 000 grants for the admission of Uzbek students to Kazakh universities was a good case to start. Graduates will be able to obtain higher education in the economic, technical, medical and humanitarian spheres at any of 30 Kazakh universities, institutes and academies on a preferential basis. In addition, the process of recognizing diplomas of higher education is under realization. In this context, in my opinion, the issue of opening Kazakh-Uzbek (in Shymkent) and Uzbek-Kazakh universities (in Tashkent or Jizzakh) is relevant. Investments, technological development and the improvement of the quality of human resources in the region appears to be beneficial for all parties.</p><p>It is worth to mention that during the “Year of Uzbekistan” in Kazakhstan, a Kazakh initiative on mutual recognition of visa regimes of both countries for tourists from third countries (‘Silk visa’) is important. The solution of this issue will allow citizens of foreign countries crossing the Kazakh-Uzbek border to visit tourist sites along the Great Silk Road routes (Samarkand, Bukhara, Shymkent, Sairam, Taraz, Turkistan, etc.). That will further promote mutual tourist opportunities and contribute to an increasing number of foreign tourists in our region.</p><p>Discussing the “Year of Kazakhstan” in Uzbekistan, we should also mention that the March Resolution of the President of the Republic of Uzbekistan “On the wide study and propaganda of the creative heritage of the great Kazakh poet and thinker Abai Kunanbayev” (March 13, 2013). Abai left an indelible mark in the history of the spiritual development not only of Kazakhs but also of all Turkic people, including Uzbeks. In this regard, the decision to broadly study and promote the heritage of the great Kazakh poet and thinker in Uzbekistan is a pledge that the “Year of Kazakhstan” in Uzbekistan will be held at a high level.</p>",
    ),
]
FOOTNOTES = {
    "trade-forum": "<p>First Interregional Forum Kazakhstan-Uzbekistan held in Shymkent. Retreived from https://primeminister.kz/en/news/all/first-interregional-forum-kazakhstan-uzbekistan-held-in-shymkent-17470. Accessed 20 November 2018.</p>",
    "turkistan": "<p>Region in South Kazakhstan.</p>",
    "year-events": "<p>As of interviewing time, October 2018, were organised cultural events, particularly concerts and performances in Saryagash, Turkistan, Kyzylorda and Shymkent, days of feature films in Taraz and Shymkent, an exhibition of the Uzbek women’s clothing and applied art in Astana and a kurultai of scientists of Kazakhstan and Uzbekistan in Almaty city.</p>",
    "dostyk": "<p>Dostyk Order of the First degree (the Order of Friendship) is a state award of the Republic of Kazakhstan, awarded to individuals for the promotion of international and civil consensus in society and the promotion of peace, friendship and cooperation between peoples.</p>",
}

TITLE = "Recent changes in the Kazakh-Uzbek relations: Interview with Erkin Baydarov"
NUMBER = 6
# Printed as “February 2019”; the day is not printed.
PUBLICATION_YEAR_MONTH = (2019, 2)

PROGRAMME = {
    "slug": "eucacis",
    "short_name": "EUCACIS",
    "name": "The EU, Central Asia and the Caucasus in the International System",
    "programme_type": "PhD Support Programme",
    "website": "https://www.eucacis.eu/",
}
# (short name, name, website)
ORGANISERS = [
    ("IEP", "Institut für Europäische Politik", "https://www.iep-berlin.de/"),
    ("CIFE", "Centre international de formation européenne", "https://www.cife.eu/"),
]
FUNDERS = [
    ("", "Volkswagen Foundation", ""),
    ("", "Erasmus+ Programme of the European Union", ""),
]
# The author's fellowship, as her printed biography states it.
AUTHOR_FELLOWSHIP = {
    "start_year": 2017,
    "end_year": 2019,
    "home_institution": "Institute of Oriental Studies and Al Farabi Kazakh National University",
    "city": "Almaty",
    "country": "KZ",
    "discipline": "",  # not stated in the printed issue
    "thesis_title": "",
    "listed_publicly": True,  # she is public anyway, as the issue's author
}

SERIES = {
    "slug": "eucacis-in-brief",
    "name": "EUCACIS in Brief",
    "introduction": (
        "<p>EUCACIS in Brief publishes opinion pieces, interviews and short articles written by "
        "fellows of the EUCACIS PhD Support Programme, its alumni and the wider EUCACIS network.</p>"
    ),
    "issn": "2627-7190",
    "place_of_publication": "Berlin",
    "website": "https://www.eucacis.eu/",
    "email": "info@eucacis.eu",
    "hashtag": "#EUCACIS",
    # Crossref's test prefix: the demo's DOIs are real in shape and registered nowhere.
    "doi_prefix": "10.5555",
    "doi_suffix_pattern": "{series}.{number}",
    "crossref_depositor_name": "EUCACIS Editorial Office",
    "crossref_depositor_email": "info@eucacis.eu",
    "crossref_deposit_url": "https://test.crossref.org/servlet/deposit",
}

ABOUT_SECTIONS = [
    (
        "About EUCACIS",
        "<p>“The EU, Central Asia and the Caucasus in the International System” (EUCACIS) is a PhD "
        "Support Programme for Postgraduates and Doctoral Researchers in Central Asia and the Southern "
        "Caucasus, organized by the Institut für Europäische Politik (IEP) and the Centre international "
        "de formation européenne (CIFE). Funded by the Volkswagen Foundation and the programme Erasmus+, "
        "it offers scholarships for three years to excellent postgraduates who are working on a doctoral "
        "thesis in political science, contemporary history or economics on a topic related to its "
        "thematic focus at a university or academy of sciences in the Southern Caucasus or Central Asia "
        "(including Afghanistan, the Kashmir region in India and the autonomous region Xinjiang in "
        "China).</p>"
        "<p>It is the objective of the EUCACIS programme to provide intensive PhD research training for "
        "its participants to bring them closer to international standards, to support them until they "
        "submit their doctoral theses, and to help them establish their own networks with other young "
        "researchers in the target regions and in Europe. This will be achieved through four "
        "international conferences, four PhD schools, two research training stays and continuous online "
        "coaching.</p>"
        '<p><a href="https://www.eucacis.eu/">EUCACIS.eu</a></p>',
    ),
    (
        "About the Series",
        "<p>EUCACIS in Brief publishes opinion pieces and short articles written by fellows of the "
        "EUCACIS PhD Support Programme, alumni of the Master Programme „The European Union and Central "
        "Asia in the International System“ (EUCAIS) and other members of the wider EUCACIS network. It "
        "aims at making the debates within the network, notably during the EUCACIS conferences and PhD "
        "schools, accessible to a wider public. The papers are available on the programme website: "
        '<a href="https://www.eucacis.eu/">www.eucacis.eu</a></p>',
    ),
    (
        "About IEP",
        "<p>Since 1959, the Institut für Europäische Politik (IEP) has been active in the field of "
        "European integration as a non-profit organisation. It is one of Germany’s leading research "
        "institutes on foreign and European policy. IEP works at the interface of academia, politics, "
        "administration, and civic education. In doing so, IEP’s task include scientific analyses of "
        "problems surrounding European politics and integration. "
        '<a href="https://www.iep-berlin.de/">www.iep-berlin.de</a></p>',
    ),
    (
        "About CIFE",
        "<p>The Centre international de formation européenne (CIFE) is a private institution of higher "
        "education and research, founded in 1954 with its head office in Nice and branch offices in "
        "Berlin, Brussels and Istanbul. It receives special funding in the framework of the Jean Monnet "
        "Programme of the European Union. Students from all continents enroll in its programmes and work "
        "as senior officials, consultants and academic experts after graduation. "
        '<a href="https://www.cife.eu/">www.cife.eu</a></p>',
    ),
]

AUTHOR = {
    "slug": "albina-muratbekova",
    "honorific": "",
    "given_name": "Albina",
    "family_name": "Muratbekova",
    "affiliation": "Institute of Oriental Studies and Al Farabi Kazakh National University",
    "biography": (
        "<p>Albina Muratbekova is a doctoral researcher in Oriental Studies at the Institute of "
        "Oriental Studies and Al Farabi Kazakh National University. She holds an MSc in Regional "
        "Studies from Al Farabi Kazakh National University and a BSc with distinction in Regional "
        "Studies from Ablai Khan Kazakh University of International Relations and World Languages. "
        "She is a Fellow of the EUCACIS PhD support programme (2017-2019) and works at the Eurasian "
        "Research Institute as a Research Fellow. Her research interests include foreign policy of "
        "China, China-India relations, and border issues in China-India relations.</p>"
    ),
}

INTERVIEWEE = {
    "slug": "erkin-baydarov",
    "honorific": "Dr",
    "given_name": "Erkin",
    "family_name": "Baydarov",
    "affiliation": "Institute of Oriental Studies, Almaty, Kazakhstan",
    "biography": (
        "<p>Dr. Erkin Baydarov is a senior researcher at the Institute of Oriental Studies in Almaty, "
        "Kazakhstan. His research interests include politics of Kazakhstan and Central Asia, "
        "integration processes in Central Asia, philosophy and sociology of ethno-politics, history of "
        "Islam and Kazakh philosophy, social philosophy and cultural anthropology.</p>"
    ),
}
SPEAKER_LABEL = "EB"

# (role, honorific, given name, family name, position), in imprint order.
EDITORIAL_TEAM = [
    ("publisher", "Prof. Dr", "Mathias", "Jopp", "Head of International Programmes, IEP"),
    ("publisher", "PD Dr", "Matthias", "Waechter", "Director General, CIFE"),
    ("editor", "Dr", "Susann", "Heinecke", "Programme Manager EUCACIS, CIFE"),
    ("editor", "", "Janny", "Schulz", "Programme Manager EUCACIS, IEP"),
    ("layout", "", "Fabian", "Weber", "IEP"),
]

# What No. 6 is about, as its text supports: (name, what in the text).
TOPICS = [
    ("Bilateral relations", "Kazakh-Uzbek relations are the interview's subject"),
    ("Regional cooperation", "integration projects, cross-border and water-energy cooperation in Central Asia"),
    ("Trade and investment", "trade turnover, business forums, joint projects, Uzbekistan's investment decree"),
    ("Security", "border delimitation, the military cooperation plan, collective security"),
    ("Culture and education", "the Year of Uzbekistan in Kazakhstan, cultural events, academic ties"),
]
# (name, ISO 3166 code or "" for a region)
PLACES = [
    ("Kazakhstan", "KZ"),
    ("Uzbekistan", "UZ"),
    ("Central Asia", ""),
]
