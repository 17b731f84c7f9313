/**
 * Word lists for the person-name detector. FIRST_NAMES is a seed of common given names across
 * languages (a name that starts with one is likely a person); FAMOUS_PEOPLE are public historical
 * figures whose names are not personal data in a conversation.
 */
export const FIRST_NAMES: ReadonlySet<string> = new Set(
  `james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry tyler aaron jose adam nathan henry douglas zachary peter kyle ethan walter noah jeremy christian keith roger terry gerald harold sean austin carl arthur lawrence dylan jesse jordan bryan billy joe bruce gabriel logan albert willie alan juan wayne elijah randy roy vincent ralph eugene russell bobby mason philip louis
mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty margaret sandra ashley kimberly emily donna michelle carol amanda dorothy melissa deborah stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda pamela emma nicole helen samantha katherine christine debra rachel carolyn janet catherine maria heather diane ruth julie olivia joyce virginia victoria kelly lauren christina joan evelyn judith megan andrea cheryl hannah jacqueline martha gloria teresa ann sara madison frances kathryn janice jean abigail alice judy sophia grace denise amber doris marilyn danielle beverly isabella theresa diana natalie brittany charlotte marie kayla alexis lori jane tom tim mike bob bill jim sam ben dan nick alex chris kate sue liz beth meg
hans peter klaus jürgen wolfgang stefan andreas thomas michael uwe frank bernd dieter sabine petra monika ursula claudia andrea anja katrin julia lena lukas leon felix maximilian paul jonas elias finn niklas sophie marie mia hannah lea laura johannes uta matthias
jean pierre michel philippe alain jacques bernard françois nicolas louis marie nathalie isabelle sylvie catherine françoise camille chloé léa manon
giuseppe giovanni antonio mario luigi francesco marco alessandro andrea luca matteo lorenzo giulia francesca chiara sara martina cettina milena
josé juan carlos luis miguel jorge pedro manuel francisco javier alejandro diego pablo sergio fernando ana lucía carmen isabel sofía valentina camila julieta
joão antónio paulo rafael gabriel lucas mateus beatriz mariana larissa fernanda
jan piet kees henk willem anouk sanne femke daan bram
lars anders erik nils olof sven karl johan mikael björn ingrid astrid karin elin maja vilhjalmur jonas kaija johannes
mikko matti juha jari timo antti sanna anne päivi tiina
krisztián szabina zoltán lászló istván péter gábor attila éva katalin erzsébet zsófia janka
jiří petr jana šárka tereza lucie ondřej tomáš
ivan sergei dmitri alexei nikolai vladimir olga natalia tatiana svetlana irina elena ekaterina faina ushurma
wei li ming hui jun yan xin hao yu chen hiroshi takeshi yuki haruto sakura aiko kenji min-jun seo-yeon ji-woo
mohammed muhammad ahmed ali omar hassan hussein fatima aisha zainab yusuf ibrahim layla
raj rahul amit priya anjali sunita vijay sanjay arjun deepak neha pooja
kwame kofi ama chinedu ngozi oluwaseun adebayo amara
sue carl ewan jamie orva rubija nicole ubul`.split(/\s+/),
);

export const FAMOUS_PEOPLE: ReadonlySet<string> = new Set(
  [
    'abraham lincoln', 'george washington', 'thomas jefferson', 'albert einstein', 'isaac newton', 'charles darwin',
    'william shakespeare', 'napoleon bonaparte', 'julius caesar', 'winston churchill', 'martin luther king',
    'martin luther king jr', 'mahatma gandhi', 'nelson mandela', 'marie curie', 'leonardo da vinci', 'galileo galilei',
    'adolf hitler', 'joseph stalin', 'karl marx', 'franklin roosevelt', 'franklin d. roosevelt', 'john f. kennedy',
    'john kennedy', 'queen elizabeth', 'elizabeth ii', 'wolfgang amadeus mozart', 'ludwig van beethoven', 'pablo picasso',
    'vincent van gogh', 'sigmund freud', 'alexander the great', 'genghis khan', 'christopher columbus', 'jesus christ',
    'benjamin franklin', 'alan turing', 'ada lovelace', 'nikola tesla', 'thomas edison', 'mark twain', 'jane austen',
    'charles dickens', 'barack obama', 'donald trump', 'joe biden', 'george bush', 'george w. bush', 'bill clinton',
    'hillary clinton', 'ronald reagan', 'richard nixon', 'elon musk', 'bill gates', 'steve jobs', 'taylor swift',
    'michael jackson', 'elvis presley', 'john lennon', 'paul mccartney', 'harry potter', 'sherlock holmes', 'santa claus',
  ],
);

/** Capitalised words that start sentences or name things, never people. */
export const NOT_NAME_WORDS: ReadonlySet<string> = new Set(
  `the a an i i'm i've i'll it this that these those there here what when where why how who which if and but or so
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september
october november december human assistant user hello hi hey dear thanks thank yes no ok okay please sorry mr mrs ms dr
god lord street avenue road new old north south east west united states america american english french german
spanish chinese japanese christmas easter internet google facebook amazon apple microsoft twitter youtube`.split(/\s+/),
);
