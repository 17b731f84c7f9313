import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILT_IN } from '../../src/minimize/detectors/registry.js';
import type { DetectorId } from '../../src/minimize/policy-schema.js';

function found(id: DetectorId, text: string): string[] {
  return BUILT_IN[id].find(text).map((f) => text.slice(f.start, f.end));
}

const CASES: Record<DetectorId, { positive: Array<[string, string]>; negative: string[] }> = {
  email: {
    positive: [['write to jane.doe@acme-mail.com today', 'jane.doe@acme-mail.com'], ['UtaKortig@jourrapide.com', 'UtaKortig@jourrapide.com']],
    negative: ['mail user@example.com or admin@example.org', 'no at sign here', 'ping @channel'],
  },
  phone: {
    positive: [['call me on +44 20 7946 0958 please', '+44 20 7946 0958'], ['my number is (212) 555-1234', '(212) 555-1234'], ['Tel: 0490 75 40 81', '0490 75 40 81'],
      ['Desk: +447700 921 916', '+447700 921 916'], ['Phone: 0378 3549890', '0378 3549890'], ['Mobile: 723 813 266', '723 813 266'],
      ['Fax: +41 (0)62 585 51 90', '+41 (0)62 585 51 90'], ['085 175 7641-Office', '085 175 7641'], ['text +14155550123 now', '+14155550123'], ['Desk: 5403926876', '5403926876'],
      ['you can reach me at 4155550142 tomorrow', '4155550142']],
    negative: ['When: 2000-04-16 11:34:35', 'delivered to 975 3968 Bay Street', 'my driver\'s license number is 2270-66-1551', 'released 2021-03-04', 'from 1990-2000', 'version 1.2.3', 'pi is 3.14159265', 'id 550e8400-e29b-41d4-a716-446655440000', 'server 10.20.30.40',
      'it cost 723 813 266 dollars', 'order 5403926876 shipped', 'call about order number 4155550142', 'commit 3b335d612137949d2f21fcc6c8c8164db7603227', 'at 10:30:45 on 2021-03-04'],
  },
  payment_card: {
    positive: [['card 4539 1488 0343 6467 declined', '4539 1488 0343 6467'], ['amex 378282246310005', '378282246310005']],
    negative: ['order 4539 1488 0343 6468', 'commit 1234567890123', 'all ones 4444444444444444', 'mobile +447700677662'],
  },
  iban: {
    positive: [['IBAN GB82 WEST 1234 5698 7654 32 thanks', 'GB82 WEST 1234 5698 7654 32'], ['to DE89370400440532013000', 'DE89370400440532013000'], ['my iban is de89370400440532013000', 'de89370400440532013000']],
    negative: ['GB82 WEST 1234 5698 7654 33', 'ISO code AB12CDEF'],
  },
  us_ssn: {
    positive: [['SSN 460-89-9847', '460-89-9847'], ['my social security number is 460899847', '460899847'], ['SSN: 460.89.9847', '460.89.9847'],
      ['here is my soc sec, it is 460 89 9847', '460 89 9847']],
    negative: ['area 000-12-3456', 'area 666-12-3456', 'order 460899847 shipped', 'ITIN 912-70-1234'],
  },
  national_id: {
    positive: [['NINO: AB 12 34 56 C', 'AB 12 34 56 C'], ['ni number ab123456c', 'ab123456c'], ['mi DNI es 12345678Z', '12345678Z'], ['NIE X-1234567-L', 'X-1234567-L'],
      ['PAN ABCPE1234F', 'ABCPE1234F'], ['SIN: 130 692 544', '130 692 544'], ['Aadhaar 2345 6789 0124', '2345 6789 0124'], ['aadhaar no 234567890124', '234567890124'],
      ['passport number is X1234567', 'X1234567'], ['Passport No. 533380006', '533380006'],
      ['Passport ID: C03005988', 'C03005988'], ['my passport (US) number is 533380006', '533380006']],
    negative: ['GB 12 34 56 A', 'dni 12345678A', 'order 130 692 544', 'SIN 130 692 545', 'code 2345 6789 0125', 'passport photo', 'id 234567890124 shipped', 'my passport expired in 2020', 'passport renewals take 6-8 weeks', 'passport and visa requirements'],
  },
  ip_address: {
    positive: [['from 106.31.73.20 at noon', '106.31.73.20'], ['host 6e40:4041:c617:e898:c11:40d2:c669:2eb4', '6e40:4041:c617:e898:c11:40d2:c669:2eb4'],
      ['GET / from [2a02:1810:4d04::1]:443 200', '2a02:1810:4d04::1'], ['iface fe80::1ff:fe23:4567:890a%eth0 up', 'fe80::1ff:fe23:4567:890a'], ['client=2A02:1810:4D04:0:0:0:0:1;', '2A02:1810:4D04:0:0:0:0:1']],
    negative: ['Human: hi\n\nAssistant: at 10:30', 'version 1.2.3.4', 'localhost 127.0.0.1', 'doc 192.0.2.1', 'at 12:30:45', 'mac aa:bb:cc:dd:ee:ff', '2001:db8::1'],
  },
  date_of_birth: {
    positive: [['I was born on March 5, 1980 in Ohio', 'March 5, 1980'], ['DOB: 1980-03-05', '1980-03-05'], ['DOB 05-Mar-1980', '05-Mar-1980'],
      ['date of birth: 19800305', '19800305'], ['geboren am 05.03.1980', '05.03.1980'], ['fecha de nacimiento 1980/Mar/05', '1980/Mar/05']],
    negative: ['the meeting is on March 5, 1980', 'released 2021-03-04', 'NATO was founded on April 4, 1949', 'build 19800305'],
  },
  street_address: {
    positive: [['I live at 742 Evergreen Terrace in town', '742 Evergreen Terrace'], ['send it to Rua do Arenque 1634', 'Rua do Arenque 1634'], ['Brucker Bundesstrasse 31', 'Brucker Bundesstrasse 31'], ['meet at 62573 103 Cassidy Street today', '62573 103 Cassidy Street'],
      ['Ship to:\n8812 Mäkitie 14\n Apt. 7\n TAMPERE\n Finland 33100\nThanks', '8812 Mäkitie 14\n Apt. 7\n TAMPERE\n Finland 33100'],
      ['He lives at 2046 River Oaks Road, San Antonio, TX.', '2046 River Oaks Road, San Antonio, TX'], ['Who is at 427 W. Virginia St. in San Jose?', '427 W. Virginia St.'],
      ['P.O. Box 4410, Springfield, IL 62704', 'P.O. Box 4410, Springfield, IL 62704'], ['PSC 1234, Box 5678\nAPO AE 09876', 'PSC 1234, Box 5678\nAPO AE 09876'],
      ['the address is Kastanienallee 7', 'Kastanienallee 7'], ['Kovács Pál u. 12. is her flat', 'Kovács Pál u. 12.'], ['ring at 33 avenue de la Gare', '33 avenue de la Gare'],
      ['at the corner of Elm Street and Oak Lane', 'corner of Elm Street and Oak Lane'], ['the office moved to Suite 410 last year', 'Suite 410']],
    negative: ['chapter 12 of the book', 'We walked down the street for 3 hours', 'Windows 10 and Python 3.11', 'On 5 March 2020 we met', 'Top 10 Songs 2019',
      'In 1995 Microsoft Windows 95 shipped', 'During 2017, sales rose', '5 Musicians Of The 70s You Hate', 'install via Python 3', 'version 2.5.0 build 3',
      'at 10:30 on 3 May 2021', '1 Corinthians 13:4', 'id 550e8400-e29b-41d4-a716-446655440000', 'commit 3b335d612137949d2f21fcc6c8c8164db7603227'],
  },
  person: {
    positive: [['Say hi to Maria Lopez.', 'Maria Lopez'], ['Please ask Dr. Okonkwo about it', 'Okonkwo'], ['my name is Szabina Gelencsér', 'Szabina Gelencsér'],
      ['Then Mathias Kowalczyk arrived', 'Mathias Kowalczyk'],
      ['It was written by Ingrid Johansson', 'Ingrid Johansson'],
      ['Scott is a very sympathetic person', 'Scott'],
      ['What is your last name? Magnússon', 'Magnússon'],
      ['Hello Anouk van Dijk', 'Anouk van Dijk'],
      ['My name is Zorvath', 'Zorvath'], ['Hi Kelemen, thanks for the update', 'Kelemen'], ['Name: Ardis Quell\nPhone: 0490 75 40 81', 'Ardis Quell'],
      ['A film directed by Tomasz Wrzesniak and starring Wrzesniak', 'Wrzesniak'], ['please follow up with maria kowalski tomorrow', 'maria kowalski'],
      ['Thanks!\nArlo Venn\nAcme Corp\nTel 0490 75 40 81', 'Arlo Venn'], ['Then Vesnar shouted at the dog', 'Vesnar'],
      ['the founders Anna Weber, Kowalczyk and others', 'Kowalczyk'],
      ["What's your last name? Okonjo", 'Okonjo'], ['Producer Liviana Palerma explained', 'Liviana Palerma'], ['Usamov and Bowers were engineers', 'Usamov'],
      ['nobody writes like early Yefremova these days', 'Yefremova'],
      ['Orsolya: "Who are you?"\nDaniel: "A friend."', 'Orsolya'],
    ],
    negative: [
      'Abraham Lincoln was president', 'Albert Einstein said so', 'The United States', 'On Monday we met',
      'Will you help me?', 'Grace is a virtue', 'I asked Siri about it', 'She studied at Joseph Academy', 'We hiked Dora Creek',
      'The NASA team met', 'Entertainment Weekly listed it',
      'Oh dear, I’m sorry to hear that', 'It is called Greenland because it is green', 'Hello World!', 'Hi Team, the build is green', 'Google said on Monday',
      'the version 2.5.0 of Python', 'the Russian government and Asian markets', 'We hired White, Willis and Hoffman as counsel', 'Claim: the sky is green.\nAlternative: it is blue.', 'we will mark the grace period in may', 'commit 3b335d612137949d2f21fcc6c8c8164db7603227 by Abraham Lincoln',
    ],
  },
  credential_url: {
    positive: [['fetch https://bob:hunter22@git.acme.io/repo', 'https://bob:hunter22@git.acme.io'], ['postgres://app:S3cr3tPw@db.internal:5432/prod', 'postgres://app:S3cr3tPw@db.internal:5432']],
    negative: ['see https://example.com/page', 'postgres://user:${PASSWORD}@db/x', 'mailto:someone'],
  },
  secrets: {
    positive: [
      ['key AKIAQWERTYUIOPASDFGH here', 'AKIAQWERTYUIOPASDFGH'],
      ['GITHUB_KEY=ghp_XIxB7KMNdAr3zqWtQqhE94qglHqOzn1D1stg', 'ghp_XIxB7KMNdAr3zqWtQqhE94qglHqOzn1D1stg'],
      ['Stripe.api_key = "sk_live_dhhfUUyfrAace5dBAZ10JrAD"', 'sk_live_dhhfUUyfrAace5dBAZ10JrAD'],
      ['var DEVELOPER_KEY = \'AIzaSyB4sU8lU15bR_87qNb7eUVQN72_vv8mpbU\';', 'AIzaSyB4sU8lU15bR_87qNb7eUVQN72_vv8mpbU'],
      ['SLACK_API_TOKEN=xoxb-893582989554-899326518131-JRHeVv1o9Cf99fwDpuortR2D', 'xoxb-893582989554-899326518131-JRHeVv1o9Cf99fwDpuortR2D'],
      ['the password is "centipede" ok', 'centipede'],
      ['API_KEY = "951bc382db9abad29c68634761dd6e19"', '951bc382db9abad29c68634761dd6e19'],
      ['CODECLIMATE_REPO_TOKEN=d37a8b9e09642cb73cfcf4e1284815fc3d6a55a7714110187ac59856ae4ab5ad', 'd37a8b9e09642cb73cfcf4e1284815fc3d6a55a7714110187ac59856ae4ab5ad'],
      ['  HEROKU_API_KEY: c55dbac4-e0e8-4a06-b892-75cac2387ce5', 'c55dbac4-e0e8-4a06-b892-75cac2387ce5'],
      ['VAULT_TOKEN="s.Z4bTMtngfLeQ18AqVoBBkUAOD1"', 's.Z4bTMtngfLeQ18AqVoBBkUAOD1'],
      ['psexec \\\\10.1.2.3 -u Administrator -p corp_admin7 cmd', 'corp_admin7'], ['curl -u my-client:Qm9vT2xkSGF0MjAyNVhZWg https://api.acme.io', 'Qm9vT2xkSGF0MjAyNVhZWg'],
      ['Connect-VIServer -Server vc1 -User admin -Password Winter2024!', 'Winter2024!'], ["if user.Secret != 'open-sesame-7' {", 'open-sesame-7'],
      ["buildConfigField 'String', 'API_KEY', '\"7f3a9c01be44d2e8a6f0c5b19d7e3a42\"'", '7f3a9c01be44d2e8a6f0c5b19d7e3a42'],
      ['Authorization: SSWS 00Tz4kLm9QwErTy7UiOp-AsDfGh2JkLzXcVbNm8Q1w', '00Tz4kLm9QwErTy7UiOp-AsDfGh2JkLzXcVbNm8Q1w'],
      ["clientId: '123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com'", '123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com'],
    ],
    negative: [
      'commit 3b335d612137949d2f21fcc6c8c8164db7603227 fixed it',
      'id 550e8400-e29b-41d4-a716-446655440000',
      'version 2.5.0',
      'password = process.env.DB_PASSWORD',
      'the password is incorrect',
      'api_key: <YOUR_API_KEY>',
      'licenseKey=a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8NRAL',
      'okta_api_token: 000000000000000000000000000000000000000000aa',
      'passwordLabel:"Password:"',
      "echo 'password = '.$p['config']['daemon_password'];",
      'docker run -u 1000 -p 8080:80 nginx', 'psexec \\\\host -u User -p $Password calc.exe', 'Connect-VIServer -User $user -Password $pass',
      '<add key="FromEmailAddress" value="ops@example.com"/>',
    ],
  },
};

for (const [id, { positive, negative }] of Object.entries(CASES) as Array<[DetectorId, (typeof CASES)[DetectorId]]>) {
  test(`${id}: finds its positives`, () => {
    for (const [text, expected] of positive) assert.ok(found(id, text).includes(expected), `${id} should find ${JSON.stringify(expected)} in ${JSON.stringify(text)}; found ${JSON.stringify(found(id, text))}`);
  });
  test(`${id}: leaves its hard negatives alone`, () => {
    for (const text of negative) assert.deepEqual(found(id, text), [], `${id} fired on ${JSON.stringify(text)}`);
  });
}

test('secrets: Anthropic, OpenAI, JWT and PEM keys', () => {
  const anthropic = `sk-ant-api03-${'a1B2'.repeat(23)}AA`;
  assert.ok(found('secrets', `key ${anthropic}`).includes(anthropic));
  const openai = `sk-proj-${'Zx9'.repeat(20)}`;
  assert.ok(found('secrets', `OPENAI=${openai}`).some((v) => v.includes(openai)));
  const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJsb2dnZWRJbkFzIjoiYWRtaW4ifQ.gzSraSYS8EXBxLN_oWnFSRgCzcmEmMjLiuyu5CSpyHI';
  assert.ok(found('secrets', `token: ${jwt}`).includes(jwt));
  const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAvmXA\n-----END RSA PRIVATE KEY-----';
  assert.ok(found('secrets', `here:\n${pem}\nbye`).includes(pem));
});
