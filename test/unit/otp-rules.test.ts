import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../functions/core/events.ts';
import { prepareBatch } from '../../functions/core/ingest.ts';
import { patternProblem } from '../../functions/core/otp/pattern-safety.ts';
import { detectOtp } from '../../functions/core/otp.ts';
import { DEFAULT_POLICY, parsePolicy } from '../../functions/core/policy.ts';

/** A paragraph with nothing about codes: it keeps a notice word or a scam far from a mention. */
const FILLER =
  ' Our branches are open from nine to five on weekdays, and our app lets you check balances, move money and pay bills at any hour of the day.';

/** One table per rule: what it catches (with the rule id and language reported) and its vetoes. */
const RULES: [string, string, string][] = [
  ['secret-noun', 'en', 'Your verification code is 482913'],
  ['secret-noun', 'en', 'Do not share this OTP with anyone'],
  ['secret-noun', 'en', 'Your verification code: 448201. We will never ask you for it.'],
  ['secret-noun', 'de', 'Ihr Einmalpasswort: 7HT2K'],
  ['secret-noun', 'fr', 'Votre mot de passe temporaire est Xk7p2qLm'],
  ['secret-noun', 'ja', 'ワンタイムパスワード：482913'],
  ['secret-noun', 'zh', '验证码：482913'],
  ['secret-noun', 'ko', '인증번호 [482913]'],
  ['secret-noun', 'tr', 'Doğrulama kodunuz: 482913'],
  ['magic-link', 'en', 'Here is your magic link to sign in'],
  ['magic-link', 'en', 'Click the link below to sign in. It expires in 15 minutes.'],
  ['magic-link', 'nl', 'Gebruik deze inloglink om in te loggen'],
  ['qualified-code', 'en', 'Your confirmation code is R7T4QZ'],
  ['qualified-code', 'en', 'Security key: 4F7K-2M9Q'],
  ['qualified-code', 'es', 'Código de seguridad: 449 201'],
  ['qualified-code', 'it', 'Chiave di sicurezza: 448201'],
  ['qualified-code', 'de', 'BESTAETIGUNGSCODE: 482913 - NICHT WEITERGEBEN'],
  ['secret-noun', 'es', 'C&oacute;digo de verificaci&oacute;n: 482910'],
  ['code-connector', 'it', "Il codice per autorizzare l'operazione è 552019"],
  // Handed over at the end of a longer phrase, within one sentence.
  ['code-connector', 'es', 'Santander: el código para confirmar tu pago de 32,00 EUR en ZARA.COM es 661209.'],
  ['qualified-code', 'de', 'o2: Ihr SMS-Code zur Bestätigung der Vertragsverlängerung lautet 448120.'],
  ['imperative', 'de', 'Bitte verwenden Sie die folgende Nummer, um Ihre Identität zu verifizieren: 207 481'],
  ['imperative', 'nl', 'Voer de volgende code in: 629 104'],
  [
    'code-in-account-context',
    'nl',
    'We hebben een inlogverzoek ontvangen. Voer de volgende code in: 629 104',
  ],
  ['code-connector', 'ko', '🔐 372918 — Revolut 코드입니다. 누구와도 공유하지 마세요.'],
  ['code-connector', 'ja', 'Instagram: 382 947 があなたのInstagramコードです。'],
  // From fresh examples: compounds, spellings, payment approvals, words shared across languages.
  ['qualified-code', 'de', 'Dein Microsoft-Kontosicherheitscode ist 8826.'],
  [
    'code-connector',
    'es',
    'BBVA: Introduce el código 84 21 93 para confirmar la compra de 149,90 EUR en AMAZON.',
  ],
  ['secret-noun', 'es', 'Tu nuevo PIN temporal de Yoigo es 8812.'],
  ['qualified-code', 'fr', 'Bonjour Paul, tu as demandé à te connecter à Deliveroo. Ton code : 3910'],
  ['imperative', 'fr', "Saisissez 071942 dans l'application pour terminer votre inscription."],
  ['qualified-code', 'nl', 'SNS: Uw transactiecode is 920145.'],
  ['qualified-code', 'pl', 'Twój PIN do zatwierdzenia płatności: 9931'],
  ['secret-noun', 'tr', 'Doğrulama numaranız: 82 01 93.'],
  ['qualified-code', 'ja', 'd払い お支払いを承認するには、承認番号 4827 を画面に入力してください。'],
  ['secret-noun', 'zh', '【中国电信】尊敬的客户，您本次登录的短信随机码为：483920。'],
  [
    'magic-link',
    'de',
    'So meldest du dich an: Öffne den Link unten. Er funktioniert nur einmal und verfällt in 10 Minuten.',
  ],
  ['code-connector', 'nl', 'De door u aangevraagde code is 7502. Voer deze in op de inlogpagina.'],
  ['secret-noun', 'fr', 'Votre code de vérification Booking.com est 910274.'],
  ['code-connector', 'en', '🔑 Your Duolingo code: 4️⃣8️⃣2️⃣9️⃣1️⃣3️⃣'],
  ['imperative', 'de', 'Um fortzufahren, gib bitte 36 81 52 in das Feld ein.'],
  ['sign-in-code', 'fr', "C'est bien vous ? Voici de quoi vous connecter : 501 288"],
  ['sign-in-code', 'en', "Don't give this to anyone: 772019. It's how we know it's really you."],
  ['sign-in-code', 'nl', 'Zodat we weten dat jij het bent: 3381 (5 min geldig)'],
  ['code-in-account-context', 'en', 'Your PIN was reset. Sign in with 552019 and choose a new one.'],
  ['code-connector', 'en', 'Code: 33-19-02'],
  ['code-connector', 'en', '604211 is your Instagram code'],
  ['code-connector', 'pl', 'Twój PIN to 4821'],
  ['code-connector', 'en', "448201 — that's your code for Discord"],
  ['code-connector', 'en', 'Code: KXQW42'],
  ['code-connector', 'en', 'YOUR CODE IS KXQWPT'],
  ['code-connector', 'en', 'Login verification: 552019'],
  ['code-connector', 'de', 'Ihr TAN lautet 552019'],
  ['secret-noun', 'de', 'Ihre pushTAN für die Überweisung: 448201'],
  ['imperative', 'en', 'Please confirm your identity by entering 771203 on the verification page.'],
  ['code-connector', 'en', '<p>Your code:</p><h1 style="letter-spacing:8px">5 5 2 0 1 9</h1>'],
  ['code-in-account-context', 'en', 'Here is the code for your account, 482913, keep it safe'],
  ['imperative', 'en', 'Enter 604211 to sign in'],
  ['imperative', 'en', "To verify it's you, enter 449-201"],
  ['imperative', 'de', 'Geben Sie 482913 ein, um sich anzumelden'],
  ['imperative', 'ja', 'ログインするには 482913 を入力してください'],
  ['contextual-secret-noun', 'en', 'Your passcode is 1234'],
  ['secret-noun', 'ru', 'Код подтверждения: 448201'],
  ['secret-noun', 'ru', 'Одноразовый пароль: 7HT2K'],
  ['secret-noun', 'ru', 'Пароль для подтверждения перевода: 552019'],
  ['magic-link', 'ru', 'Ссылка для входа в аккаунт действительна 15 минут'],
  ['magic-link', 'ru', 'Нажмите на ссылку ниже, чтобы войти. Она истекает через 15 минут.'],
  ['qualified-code', 'ru', 'Код безопасности: 449 201'],
  ['qualified-code', 'ru', 'Ваш код: R7T4QZ'],
  ['qualified-code', 'ru', '4821 — ваш код'],
  ['code-connector', 'ru', 'Пароль: 552019'],
  ['code-in-account-context', 'ru', 'Код для вашего аккаунта, 482913, держите в секрете'],
  ['imperative', 'ru', 'Введите 604211, чтобы войти'],
  ['code-in-account-context', 'ru', 'Код для Госуслуг — 48213. Его спрашивают только мошенники.'],
  // ё is no accent to the fold: both spellings are in the lexicon.
  ['imperative', 'ru', 'Укажите 482913 для входа в учётную запись'],
  ['imperative', 'ru', 'Укажите 482913, чтобы подтвердить учетную запись'],
  // A period after a lone letter abbreviates: the sentence goes on to the code.
  ['qualified-code', 'de', 'Dein Code für die Spende an Musikverein Harmonie e.V. lautet 318204.'],
  ['secret-noun', 'de', 'Ihre TAN für diesen Auftrag lautet: 731 904'],
  // A noun that says its code follows further on ("below", "abaixo", "如下").
  [
    'qualified-code',
    'en',
    'Your confirmation code is below. Enter it in the browser window you still have open and we will have you signed in right away. XRP-4KD',
  ],
  [
    'qualified-code',
    'pt',
    'Introduza na app o código de emparelhamento abaixo. Este código associa a câmara à sua conta e só deve ser usado por si: PX4-93K',
  ],
  [
    'magic-link',
    'ja',
    'メルカードにログインするためのリンクをお送りします。このリンクは1回だけ使用できます。',
  ],
  // Formatting a machine sees differently from a person: bidirectional marks, inline tags, digit
  // gaps, look-alike letters of another script, words spelled out letter by letter.
  [
    'code-connector',
    'en',
    'First National Bank: use code \u200F8\u200E0\u200E4\u200E5\u200E1\u200E7\u200F to approve the new payee.',
  ],
  ['qualified-code', 'fr', 'Votre co<b>de</b> de sécurité : 712609'],
  ['qualified-code', 'en', 'Your security code is 6|2|9|0|3|1. Type it without the bars.'],
  ['qualified-code', 'en', 'Security code 4·8·2·9·1·3'],
  ['qualified-code', 'pt', 'Código de segurança: 8_3_5_0_2_6'],
  ['secret-noun', 'en', 'Y\u03BFur \u03BFne-time c\u03BFde is 650 219.'],
  ['secret-noun', 'ru', 'Ваш к\u006Fд подтверждения: 718305. Никому его не сообщайте.'],
  ['code-connector', 'ru', 'Подтвердите вх\u03BFд к\u03BFдом 390 654.'],
  ['secret-noun', 'fr', 'C O D E   D E   V É R I F I C A T I O N :  8 0 3 3 1 5'],
  // The copula and its article, one-time PINs, registration codes, a device to pair.
  [
    'qualified-code',
    'fr',
    'BNP Paribas : votre code de sécurité pour valider le nouveau bénéficiaire est le 296171.',
  ],
  ['secret-noun', 'es', 'Clínica Dental: tu PIN de un solo uso para ver tu presupuesto: 6357'],
  ['qualified-code', 'de', 'Dein Signal-Registrierungscode: 585-707'],
  ['imperative', 'en', 'To pair your new watch, enter 4917 on your phone when prompted.'],
  ['qualified-code', 'tr', 'Riot Games: Oturum açma kodunuz 749281.'],
  // A preview cut off right before a qualified noun's code.
  ['qualified-code', 'es', 'Tu código de acceso a Glovo es'],
  ['qualified-code', 'en', 'Your access code is'],
  // With a code next to it, a warning about scammers does not make the message a notice.
  [
    'secret-noun',
    'en',
    `Your verification code is 482913.${FILLER} Beware of scammers who ask you to read it out.`,
  ],
  ['qualified-code', 'fr', "Votre code de sécurité pour l'ajout du bénéficiaire M. MARTIN est 5512 0937."],
  ['code-connector', 'de', 'Hier ist der Code, den du brauchst, um dich bei deinem Konto anzumelden: 4KX9T'],
  // Pairing codes in every language.
  ['qualified-code', 'nl', 'Vul de koppelcode R4T9 in op je nieuwe telefoon.'],
  ['qualified-code', 'zh', '請在電視上輸入配對碼 6193，十分鐘內有效。'],
  ['qualified-code', 'ja', 'ペアリングコード：4821'],
  ['secret-noun', 'pt', 'Sua chave de segurança temporária é 551 902.'],
  // One-time sign-in links: declined link words, buttons, the URL itself, an expiry that is no notice.
  ['magic-link', 'pl', 'Zaloguj się do Allegro za pomocą tego linku. Działa tylko raz.'],
  ['magic-link', 'pt', 'Entre na sua conta com este link. Ele funciona uma única vez.'],
  ['magic-link', 'tr', 'Giriş yap: https://example.com.tr/l/8c1f — yalnızca bir kez çalışır.'],
  ['magic-link', 'ja', 'ログイン用のリンクです。1回限り有効で、30分で無効になります。'],
  ['magic-link', 'ko', '아래 버튼을 눌러 로그인하세요. 버튼은 한 번만 사용할 수 있습니다.'],
  ['secret-noun', 'ru', 'Kod podtverzhdeniya: 5518. Nikomu ne soobshchayte.'],
  // A withdrawal to validate is the account's, not a parcel pickup ("retrait").
  [
    'code-in-account-context',
    'fr',
    'Pour valider votre retrait de 120 EUR, saisissez le code suivant : 448-201.',
  ],
];

/** Near misses, each vetoed by a negative rule or lacking what a positive rule needs. */
const NEAR_MISSES = [
  'Your password was changed on June 4, 2024 at 10:32 AM. If this was not you, reset your password.',
  'Zoom: únete a la reunión con ID 892 4410 2291, código de acceso 551203',
  'Vous avez cumulé 4 820 points de fidélité. Code client : 00281934.',
  'We updated the code. The build number is 448201.',
  'Code geldig t/m 31-08 op je volgende login.',
  'Votre code NAF est 6201Z (programmation informatique).',
  'Il tuo codice ATECO è 62.01.00 (produzione di software).',
  "Dairenin kapı kodu 4821#. Giriş saat 15:00'ten sonradır.",
  'Hinweis: Ab dem 01.07. benötigen Sie für Überweisungen die neue pushTAN-App.',
  'Votre code client Engie : 240 118 5539.',
  'レシート番号 0392 担当 山田 合計 ¥3,240',
  '카드 비밀번호가 변경되었습니다. 본인이 아닌 경우 1544-7000으로 연락 바랍니다.',
  // Notices about codes, with no code: warnings, expiries, settings, a parcel pickup's code.
  'We will never ask you for your verification code. Do not share it.',
  '验证码已过期，请重新获取。',
  '2단계 인증이 설정되었습니다. 새 기기에서 로그인할 때 인증 코드를 요청합니다.',
  'Your magic link was used to sign in on 2024-05-12.',
  '【7-ELEVEN】取貨驗證碼：您的包裹已送達門市',
  'Your pull request #918 "Refactor OTP verification service" was merged into main.',
  'Ticket #482913 aperto: "Non ricevo il codice di verifica". Un operatore ti contatterà a breve.',
  '[현대카드] 결제 완료 승인번호 48291302 금액 129,000원 가맹점 무신사',
  'Zoom toplantı daveti — Toplantı Kimliği: 834 5521 9021 Parola: 482913',
  '【拼多多】您的账号于 03-12 21:04 在新设备登录，如非本人操作请及时修改密码。',
  'Login: alex42',
  'Sign in to track your order: 448201',
  'Log in to see your invoice: 20261201',
  'Your booking confirmation code is ABC123',
  'Flight confirmation code K7T4QZ for your reservation',
  'Join Zoom Meeting. Meeting ID: 845 123 4567 Passcode: 998877',
  'Two-factor authentication is now enabled on your account',
  'Your parcel is in locker 12, pickup code 482913',
  'Use promo code SAVE20 at checkout',
  'Code de suivi : 6A12345678',
  'クーポンコード：SPRING2024',
  'Sipariş kodunuz: 482913',
  'Log in to view your statement',
  'Reset your password with the link below. It expires in 1 hour.',
  'Scan the QR code 482913 at the gate',
  'Our code of conduct, revision 2026',
  'Enter 2026 as the year of your trip booking',
  'Your order code: 4 4 7 1 2',
  'Gate code 1 2 3 4 for the parking garage',
  'Your appointment confirmation number is 552019',
  'Código de confirmación de su cita: 552019',
  'Bevestigingscode voor je afspraak: 448201',
  'Happy birthday! Use code BDAY20 for a treat.',
  // All capitals: every word looks like a capital-letter code.
  'YOUR CODE EXPIRED',
  'PASSWORD CHANGED',
  'VERIFICATION REQUIRED FOR YOUR ACCOUNT',
  'Identity verification 2026 deadline',
  "Please don't share your password. We will never ask for it. Case 448201.",
  'Tan leather jacket, item 448201, now 20% off',
  'Код подтверждения заказа 552019',
  'Ваш код заказа: 482913',
  'Промокод LETO20 на скидку 20%',
  'Дресс-код: вечерний',
  'Двухфакторная аутентификация включена',
  'Ваш пароль изменён',
  'Код получения посылки в постамате: 482913',
  'Идентификатор конференции: 845 123 4567 Код доступа: 998877',
  'Ссылка для входа на вебинар действительна 24 часа',
  'Код домофона 1234',
  'Код для входа в здание: 4821',
  'Почтовый индекс 123456',
  'Штрих-код 4607001234567',
  'QR-код 482913 на входе',
  'Код подразделения 770-001',
  'Сбросьте пароль по ссылке. Ссылка действительна 1 час.',
  'Чек: покупка 1 200 руб., код авторизации 551203, RRN 409812345678',
  // The end of a phone or card number.
  'We will text a security code to your phone ending 5521 whenever you sign in.',
  'Ihr Sicherheitscode wird an die Nummer endend auf 8812 gesendet.',
  'Your Employer Identification Number: 12-3456789',
  'Dein PlayStation-Guthaben ist da! Code: 7KQ2-MXP9-LT4R – einlösen unter Konten > Codes einlösen.',
  'Parking Centro: su código de acceso al aparcamiento es 4410.',
  // A code a harmless kind's noun gives stays that kind's when a later "code" names it.
  'ご購入いただいたギフトコードはこちら：K7QX-2M9P アカウントの［コードを引き換える］から入力してください。',
  'あなたの招待コード：HANA7K2Q お友だちが新規登録時にこのコードを入力するとポイントがもらえます。',
  // A code-shaped secret's name ("2FA-code") is no code; "№" is a number sign; a CJK year is a date.
  'Kraken vraagt je nooit om je 2FA-code. Deel die met niemand.',
  'Обращение №48213 зарегистрировано: «Не приходит код подтверждения».',
  '【○○銀行】ワンタイムパスワードアプリのご利用登録をお願いします。2025年4月以降は必須です。',
  '2단계 인증(OTP)이 활성화되었습니다.',
  'Zonda nigdy nie poprosi Cię o kod 2FA.',
  'Das pushTAN-Verfahren wurde auf Ihrem neuen Gerät freigeschaltet.',
  // Doors, prescriptions, side entrances.
  '출입문 도어락 비밀번호 *1357# 을 눌러 주세요.',
  '请使用大门密码 1357# 进入。',
  'Receita sem papel — Código de acesso e dispensa: 5521. Apresente na farmácia.',
  'Welkom! De toegangscode voor de zij-ingang is 5521.',
  'Log in to your account at https://bank.example.com to view your statement.',
  'Your promo code is below. Treat yourself to something nice this spring, with free delivery on every order over 30 EUR this week only: SPRING25',
  // Notices in long mails: a hotline's number, a masked phone number or a year next to them is no code.
  '安全提示：税务部门不会以「退税」为由要求您提供短信验证码。客服热线：12366',
  '고객님 계좌의 2단계 인증 설정이 완료되었습니다. 보조 수단: 휴대폰 문자 (010-****-8823)',
  '如需更正申报，可在 2026 年 6 月 30 日前操作。我们不会向您索要验证码。',
  'Tessera wird Sie niemals per E-Mail oder Telefon nach Ihrem Passwort oder einem Anmeldecode fragen.',
  // Gift cards print a PIN next to the card's number and its expiry date.
  'Gutscheinnummer: 4402 9918 3376 0051 Sicherheitscode (PIN): 8813 Gültig bis: 31.12.2028',
  "Numéro de carte : 5031 2240 9981 7765 Code PIN : 3308 Valable jusqu'au : 15/04/2026",
  'Practice code D82044. This email was sent from an unmonitored mailbox.',
  'Kod do szlabanu parkingu | 7|7|4|1 | ważny do niedzieli.',
  'Otopark giriş kodu | 8|0|6|6 | sadece hafta sonu geçerli.',
  'LET OP: WIJ VRAGEN NOOIT OM UW VERIFICATIECODE.',
  'Order <b>#</b>4|8|2|9|1|3 has shipped.',
  'Lunch is at 1 2 3 Main Street, see y o u there',
  'O código do portão é 9396 e a chave está no cofre.',
  'Your booking confirmation code is',
  'Your door access code is:',
  'B blok giriş kapısının yeni şifresi 2580.',
  '[주차] 출차 정산 완료. 출차 코드 4417, 23:00까지 유효',
  'Ab dem 1. April ändern sich unsere Geschäftsbedingungen: Statt der SMS-TAN nutzen Sie dann die pushTAN-App.',
  // Long notices: a scam anywhere, or a notice word near another mention, makes a code-less mention a notice.
  `Security tips: when you sign in from a new device we send a verification code to your phone.${FILLER} Scammers are sending fake delivery texts again.`,
  `Two-step verification is now enabled. From now on you will receive a verification code by text message.${FILLER}${FILLER} If you change phones, move your verification code app first.`,
  '2段階認証を無効にしました。',
];

describe('OTP rules', () => {
  it.each(RULES)('%s (%s): %j', (rule, language, text) => {
    expect(detectOtp(text)).toMatchObject({ otp: true, rule, language });
  });

  it.each(NEAR_MISSES)('leaves %j alone', (text) => {
    expect(detectOtp(text)).toEqual({ otp: false });
  });

  it('masks the code in its evidence, whatever its shape', () => {
    expect(detectOtp('Your verification code is 482913').evidence).toBe('verification code is ••••••');
    expect(detectOtp('Your confirmation code is R7T4QZ').evidence).toBe('confirmation code is ••••••');
    expect(detectOtp('Code: KXQWPT').evidence).toBe('code: ••••••');
    expect(detectOtp('Enter 449-201 to sign in').evidence).toBe('enter •••-•••');
  });

  it('a veto is local: a promo code next to a login code does not hide it', () => {
    expect(detectOtp('Use promo code SAVE20. Your sign-in code: 482913').otp).toBe(true);
  });
});

describe('policy.otp extensions', () => {
  const policy = parsePolicy({
    otp: {
      extraPhrases: ['Steam Guard'],
      extraPatterns: [String.raw`\bclave bizum \d{4}\b`],
      extraNegativePhrases: ['paczkomat test'],
    },
  });

  it('default to empty lists', () => {
    expect(DEFAULT_POLICY.otp).toEqual({ extraPhrases: [], extraPatterns: [], extraNegativePhrases: [] });
  });

  it('add phrases and patterns, and veto with negative phrases', () => {
    expect(detectOtp('Your Steam Guard: F7K2M', policy.otp)).toMatchObject({
      otp: true,
      rule: 'policy-phrase',
    });
    expect(detectOtp('Su clave Bizum 4821', policy.otp)).toMatchObject({ otp: true, rule: 'policy-pattern' });
    expect(detectOtp('Su clave Bizum 4821').otp).toBe(false);
    expect(detectOtp('paczkomat test: your verification code 1234', policy.otp).otp).toBe(false);
  });

  it('refuse a pattern that does not compile or looks vulnerable, naming the field', () => {
    expect(() => parsePolicy({ otp: { extraPatterns: ['(unclosed'] } })).toThrow(
      /otp\.extraPatterns\.0: does not compile/,
    );
    expect(() => parsePolicy({ otp: { extraPatterns: ['ok', String.raw`(\d+)+$`] } })).toThrow(
      /otp\.extraPatterns\.1: has a nested quantifier/,
    );
    expect(() => parsePolicy({ otp: { extraPhrases: [''] } })).toThrow(/otp\.extraPhrases\.0/);
    expect(patternProblem('(a|ab)*c')).toMatch(/nested quantifier/);
    expect(patternProblem(String.raw`(\w)\1`)).toMatch(/back-reference/);
    expect(patternProblem('x*')).toMatch(/empty text/);
    expect(patternProblem(String.raw`(?:\d{3}[ -]?){2}`)).toBeUndefined();
  });

  it('reach ingestion: the snippet is judged with the policy, then dropped', () => {
    const event = {
      type: 'classification',
      id: 'e-1',
      ts: '2026-11-27T10:00:00Z',
      version: { model: 'm', modelVersion: '1', prompt: 'v1' },
      importance: 'critical',
      snippet: 'Su clave Bizum 4821',
    };
    const now = Date.parse('2026-11-27T12:00:00Z');
    expect(prepareBatch([event], DEFAULT_POLICY, { now }).aggregate).not.toEqual(
      prepareBatch([event], policy, { now }).aggregate,
    );
    const parsed = parseEvent(event, 0, { otp: policy.otp });
    expect(parsed.ok && parsed.event.type === 'classification' && parsed.event.otp).toBe(true);
    expect(parsed.ok && 'snippet' in parsed.event).toBe(false);
  });
});

describe("the classifier's own otp flag", () => {
  it('still counts, ORed with the detector', () => {
    const base = {
      type: 'classification',
      id: 'e-2',
      ts: '2026-11-27T10:00:00Z',
      version: { model: 'm', modelVersion: '1', prompt: 'v1' },
      importance: 'critical',
    };
    const verdict = (extra: Record<string, unknown>) => {
      const parsed = parseEvent({ ...base, ...extra }, 0);
      return parsed.ok && parsed.event.type === 'classification' ? parsed.event.otp : undefined;
    };
    expect(verdict({ otp: true, snippet: 'Lunch on Friday?' })).toBe(true);
    expect(verdict({ otp: true })).toBe(true);
    expect(verdict({ otp: false, snippet: 'Your verification code is 482913' })).toBe(true);
    expect(verdict({ snippet: 'Lunch on Friday?' })).toBe(false);
  });
});
