/**
 * Nationalities, demonyms, languages, ethnic, regional and religious group words, lower case.
 * Provenance: written by hand for keyhole from general knowledge (country and language names are
 * public facts; no list was copied, no evaluation data used). These words describe groups, never
 * one person: the person detector keeps them in clear (issue 15: "Asian" became "Nash").
 */
export const DEMONYMS_TEXT = `
afghan albanian algerian american andorran angolan antiguan argentine argentinian armenian australian austrian azerbaijani azeri
bahamian bahraini bangladeshi barbadian belarusian belgian belizean beninese bhutanese bolivian bosnian botswanan brazilian british briton
bruneian bulgarian burkinabe burmese burundian cambodian cameroonian canadian verdean chadian chilean chinese colombian comorian
congolese rican croatian cuban cypriot czech danish dane djiboutian dominican dutch ecuadorian egyptian emirati english eritrean
estonian ethiopian fijian filipino filipina finnish french gabonese gambian georgian german ghanaian greek grenadian guatemalan
guinean guyanese haitian honduran hungarian icelandic indian indonesian iranian iraqi irish israeli italian ivorian jamaican japanese
jordanian kazakh kenyan kiribati korean kosovar kuwaiti kyrgyz lao laotian latvian lebanese liberian libyan liechtensteiner lithuanian
luxembourgish macedonian malagasy malawian malaysian maldivian malian maltese marshallese mauritanian mauritian mexican micronesian
moldovan monegasque mongolian montenegrin moroccan mozambican namibian nauruan nepalese nepali dutchman dutchmen newzealander nicaraguan
nigerian nigerien norwegian omani pakistani palauan palestinian panamanian paraguayan peruvian polish portuguese qatari romanian russian
rwandan salvadoran samoan saudi scottish scot scots senegalese serbian seychellois singaporean slovak slovakian slovenian somali
african spanish spaniard lankan sudanese surinamese swazi swedish swede swiss syrian taiwanese tajik tanzanian thai
togolese tongan trinidadian tunisian turkish turkmen tuvaluan ugandan ukrainian uruguayan uzbek vanuatuan venezuelan vietnamese welsh
yemeni zambian zimbabwean kiwi aussie yankee brit
asian african european latin latino latina latinx hispanic caucasian arab arabic arabian persian anglo saxon celtic nordic scandinavian
slavic baltic balkan iberian mediterranean oriental occidental western eastern northern southern midwestern southeastern southwestern
northeastern northwestern central pacific atlantic caribbean polynesian melanesian asiatic eurasian semitic germanic hellenic
black white native indigenous aboriginal inuit eskimo cherokee navajo sioux apache cheyenne iroquois mohawk hopi comanche lakota
hmong kurdish kurd tamil telugu bengali punjabi gujarati marathi kannada malayalam urdu hindi sindhi pashto pashtun baloch tibetan uyghur
cantonese mandarin hokkien hakka tagalog javanese sundanese malay swahili yoruba igbo hausa zulu xhosa amharic somali berber tuareg
hebrew yiddish aramaic latin sanskrit esperanto catalan basque galician flemish walloon frisian gaelic breton cornish romani gypsy
creole cajun acadian quebecois texan californian floridian yorker londoner parisian berliner texans
christian christians catholic protestant orthodox evangelical baptist methodist lutheran presbyterian anglican episcopalian mormon
muslim moslem islamic sunni shia shiite sufi jewish jew jews hindu buddhist sikh jain taoist shinto zoroastrian bahai atheist agnostic
pagan wiccan amish mennonite quaker pentecostal adventist calvinist puritan jesuit rastafarian scientologist
republican republicans democrat democrats democratic conservative liberal libertarian socialist communist marxist fascist nazi nazis
tories labour whig confederate yankees unionist federalist
americans africans asians europeans canadians mexicans indians chinese japanese koreans germans italians russians brits arabs
muslims hindus buddhists sikhs catholics protestants mormons latinos latinas hispanics caucasians filipinos vietnamese africans
roman romans greeks persians egyptians victorian edwardian elizabethan georgian medieval renaissance byzantine ottoman viking vikings
mayan aztec inca incan mongol mongols spartan athenian babylonian assyrian sumerian phoenician carthaginian etruscan
`;
