/**
 * Non-person capitalised words and phrases, lower case. Provenance: written by hand for keyhole
 * from general knowledge (no list copied, no evaluation data used).
 *
 * COMMON_WORDS_TEXT: everyday English words that start titles, headings and names of things
 * ("Gold Rush", "Open Sicilian", "Line Of Text"): a run that starts with one is not a
 * "given name + surname" pair on the surname's evidence alone.
 * PHRASES_TEXT: names of events, works, products and organisations whose words look like a
 * person's ("Mona Lisa", "Jim Crow laws"): kept in clear.
 */
export const COMMON_WORDS_TEXT = `
gold silver iron steel stone rock wood glass paper water fire ice snow rain storm wind sun moon star sky earth land sea ocean river lake
open close closed line text word words page book story song music art film movie show game play player team club band group party
army navy air force police fire department office bureau agency service services council court board committee commission senate house
post mail news press media radio net web site app data code file files system program project plan model test version release update
extension extensions override overrides option options setting settings feature features tool tools kit pack box case set sets list
future past present modern classic ancient old new young big small great grand little high low upper lower top bottom first last next
alternate alternative universe world global national international local regional federal royal imperial public private general special
position bent over under bottom back front side left right center centre middle inner outer full half double single total final
self body mind heart soul spirit life death love war peace power money time day night morning evening summer winter spring fall autumn
black white red blue green yellow orange purple pink brown gray grey dark light bright golden wild free true real good bad best worst
happy sad lucky angry crazy holy sacred divine saint blessed dear sweet hot cold warm cool fresh raw dry wet hard soft strong weak
north south east west northern southern eastern western northeast northwest southeast southwest central midwest coast coastal
rush run walk drive ride fly jump fight kill hunt quest race chase escape return rise fall dawn dusk age era period time times
king queen prince princess lord lady duke earl baron knight master mister miss madam chief captain major colonel general sergeant
president senator governor mayor minister secretary director manager officer agent detective doctor nurse professor teacher judge
bishop pope father mother brother sister uncle aunt son daughter baby boy girl man woman men women people person human family
jail broke broken job jobs work home house room hall street road avenue square park garden farm field forest mountain valley hill
church school college academy hospital museum library theater theatre center store shop market mall bank hotel restaurant bar cafe
apple orange lemon cherry berry peach candy sugar honey pepper salt bread cake pie cookie cheese milk butter cream coffee tea wine beer
dog cat horse bird fish bear wolf fox lion tiger eagle hawk dragon snake bull cow pig sheep goat deer rabbit mouse rat bat bee
chapter section part volume issue episode season series edition chapter act scene verse psalm genesis exodus revelation revelations
step steps stage level phase round turn move moves opening defense defence gambit attack variation mate check checkmate castle pawn
happy birthday merry christmas thanksgiving halloween easter valentine valentines independence memorial labor veterans
mercedes porsche ferrari tesla ford toyota honda lincoln chevy chevrolet cadillac dodge jeep volvo audi lexus nissan mazda
`;

export const PHRASES_TEXT = `
gold rush|california gold rush|opium rush|opium wars|jim crow|jim crow laws|mona lisa|statue of liberty|open sicilian|sicilian defense|ruy lopez|queen's gambit|french defense|king's indian|caro-kann|bent over position|line of text|alternate universe|future self|wall street|big ben|uncle sam|john birch society|rachel maddow show|donald trump impression|lawrence livermore national laboratory|los alamos|manhattan project|marshall plan|monroe doctrine|louisiana purchase|boston tea party|new deal|great depression|cold war|world war|civil war|vietnam war|korean war|gulf war|pearl harbor|d-day|black death|dow jones|nasdaq|dear abby|dear john|peeping tom|doubting thomas|good samaritan|jack the ripper|typhoid mary|bloody mary|tom collins|john deere|johnson & johnson|procter & gamble|ben & jerry's|dolce & gabbana|smith & wesson|wells fargo|morgan stanley|goldman sachs|lehman brothers|merrill lynch|charles schwab|franklin resources|franklin templeton|ralph lauren|calvin klein|tommy hilfiger|estee lauder|louis vuitton|coco chanel|hugo boss|victoria's secret|wendy's|mcdonald's|mcdonald|tim hortons|dunkin donuts|jack daniels|jack daniel's|johnnie walker|jim beam|captain morgan|betty crocker|aunt jemima|uncle ben's|chef boyardee|sara lee|marie callender's|dr pepper|dr. pepper|mr. clean|mr clean|ronald mcdonald|walt disney world|disney|pixar|mercedes-benz|rolls-royce|harley-davidson|alfa romeo|aston martin|lamborghini|bugatti|maserati|tesla model|model t|thomas the tank engine|hello kitty|barbie|cabbage patch|raggedy ann|holly hobbie|captain crunch|cap'n crunch|sherwin-williams|kellogg's|heinz|campbell's|hershey|hershey's|goodyear|firestone|kraft|nestle|levi's|levi strauss|abercrombie|hollister|dick's sporting goods|lowe's|macy's|kohl's|sam's club|trader joe's|whole foods|home depot|best buy|general motors|general electric|lockheed martin|northrop grumman|boeing|raytheon|halliburton|blackwater|planned parenthood|salvation army|red cross|peace corps|black lives matter|proud boys|ku klux klan|kkk|taliban|al qaeda|hamas|hezbollah|isis|nato|united nations|european union|supreme court|white house|pentagon|congress|parliament|kremlin|scotland yard|interpol|fbi|cia|nsa|irs|fda|cdc|nasa|who|unicef|unesco|greenpeace|amnesty international|human rights watch|the exorcist|the shining|the godfather|star wars|star trek|harry potter|lord of the rings|game of thrones|breaking bad|the simpsons|family guy|south park|the office|friends|seinfeld|sesame street|mister rogers' neighborhood|gilligan's island|the great gatsby|to kill a mockingbird|catcher in the rye|of mice and men|moby dick|pride and prejudice|jane eyre|wuthering heights|little women|anne of green gables|alice's adventures in wonderland|peter rabbit|winnie-the-pooh|curious george|charlotte's web|the cat in the hat|green eggs and ham|where's waldo|waldo|scooby doo|tom and jerry|looney tunes|rick and morty|bojack horseman|sailor moon|dragon ball|pokemon|super mario|zelda|legend of zelda|minecraft|fortnite|call of duty|grand theft auto|world of warcraft|tetris|pac-man|donkey kong|street fighter|mortal kombat|final fantasy|kingdom hearts|halo|doom|quake|the sims|rocky|rambo|terminator|the terminator|alien|aliens|jaws|psycho|halloween|scream|saw|it|carrie|the ring|the conjuring|annabelle|insidious|hereditary|midsommar|the witch|get out|us|nope|it follows|the babadook|train to busan|the thing|the fly|poltergeist|the omen|rosemary's baby|the birds|vertigo|rear window|north by northwest|citizen kane|casablanca|gone with the wind|the wizard of oz|titanic|avatar|forrest gump|pulp fiction|fight club|the matrix|inception|interstellar|the dark knight|gladiator|braveheart|schindler's list|saving private ryan|back to the future|ghostbusters|home alone|jurassic park|toy story|finding nemo|the lion king|frozen|shrek|cars|up|coco|moana|mulan|aladdin|pocahontas|bambi|dumbo|fantasia|my little pony|friendship is magic|twilight|hunger games|divergent|percy jackson|chronicles of narnia|narnia|dune|foundation|neuromancer|brave new world|nineteen eighty-four|animal farm|fahrenheit 451|the odyssey|the iliad|the bible|old testament|new testament|book of mormon|quran|torah|talmud|bhagavad gita|tao te ching|art of war|the prince|das kapital|communist manifesto|mein kampf|origin of species|declaration of independence|bill of rights|magna carta|emancipation proclamation|gettysburg address|constitution|first amendment|second amendment|fifth amendment|roe v. wade|brown v. board|miranda rights|geneva convention|nobel prize|pulitzer prize|academy award|academy awards|oscars|grammy|grammys|emmy|emmys|tony award|golden globe|super bowl|world series|stanley cup|world cup|olympics|olympic games|wimbledon|us open|tour de france|kentucky derby|march madness|final four|nba finals|daytona 500|indy 500|burning man|coachella|woodstock|mardi gras|oktoberfest|hanukkah|ramadan|diwali|passover|yom kippur|rosh hashanah|kwanzaa|lunar new year|chinese new year|cinco de mayo|st. patrick's day|saint patrick's day|father's day|mother's day|black friday|cyber monday|labor day|memorial day|veterans day|presidents day|martin luther king day|juneteenth|earth day|april fools|groundhog day|day of the dead|dia de los muertos|all saints|lent|advent|epiphany|pentecost|good friday|holy week|palm sunday|ash wednesday
`;

/**
 * Given names and surnames of the lexicon that are also lower-case English words ("joke", "will",
 * "rush"). Provenance: the intersection of this lexicon with the lower-case entries of SCOWL's
 * American English list (Debian's wamerican), computed once when this file was written; the
 * product never reads the system dictionary. In text without capitals they are names only after a
 * naming cue or before a surname (issue 15: "joke" became "marlo").
 */
export const LOWER_CASE_WORD_NAMES_TEXT = `
aline amber amir an angel ani ante archer arias arroyo autumn barber barker baron bass bates bean beard beck bender bent bill billy bob 
bobby bond bonnet bonnie booth bourgeois bowers bowman brad brandy bravo brewer bridges brooks browning bruin brunet buck bullock burns 
butt can cannon carmine carol carpenter chad chandler chow clay clement colleen collier colon combs cooper corona cousin crane crystal 
curry daisy dale dam davenport davit dawn dean den derrick dieter ding dirk don drew duke dung dyer earl edit emir faith fang farina 
flowers ford foster frank fry fuller gall gang garner garrison gene genesis gentile gentry gill glen grace grant gray griffin grimes guy 
hail harry harsh hazel heath heather hector herring hicks hogan holly horn huff hull hung hunter iris jack jade jasmine jay jimmy john 
johns joke josh ken khan kiss lam lama lance lea leach lee lei levy lien lily linden line long lopes lynch madden mads manning margarita 
maria marina mark marks martens martin martini martins mason matt max maxim mayo meadows meg mike miles min moody morrow moss newton nick 
noel pace paisley pan parry parsons pastor pat patty peck per peter peters phoebe pierce ping pinto piper poppy powers prince proctor randy 
ray reed reeves reis rick roach rob robin roger rogers roman rose ruby rush saga said saki sally sander sanders sari savage savannah sawyer 
sellers serenity sexton shah sheikh shepherd sherry shields shin sierra sims singleton smit smith spears stark stein stokes sue sultan sun 
tan tanner terry tom tone tony tor troy tucker urban valentine van villa wade warren watts weaver weeks welch wheeler will willow winters 
wit wright yaw
`;

/**
 * Interjections and discourse words that open a line followed by a comma ("Yeah, can you …",
 * "Alright, do it"): not a person being addressed. Hand-written from general knowledge.
 */
export const DISCOURSE_WORDS_TEXT = `
yeah yea yep yup nope nah nay hm hmm hmmm hmmmm um umm ummm uh uhh uhm er erm ah ahh aha oh ooh ohh wow whoa haha hahaha lol lmao omg
alright alrighty allright okay ok okey kk fine sure yes no well right great cool nice awesome perfect excellent wonderful gotcha
understood noted agreed indeed absolutely definitely certainly exactly totally seriously honestly basically actually literally
however therefore moreover furthermore meanwhile anyway anyways besides otherwise instead still also again then now later first
second third finally lastly next sometimes often usually maybe perhaps probably possibly hopefully unfortunately fortunately
remember wait listen look see say tell stop please sorry thanks thank cheers bye goodbye hello hi hey yo sup welcome congrats
gosh geez jeez damn dang darn heck hell bullshit crap shit fuck jesus christ god lord man dude bro buddy pal sir maam madam
nevermind whatever like so but and or yet because since although though unless until hence thus
`;
