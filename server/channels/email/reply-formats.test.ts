// Real reply formats, written as the RFC 5322 messages the clients send: only the new text is
// kept, in every client and UI language Parley speaks.
import { describe, expect, it } from 'bun:test'
import { parseMail } from './parse.ts'
import { stripReply } from './reply-text.ts'

const head = (extra: string[] = [], contentType = 'text/plain; charset="UTF-8"', cte = '8bit') =>
  [
    'From: Jana Visitor <jana@visitor.test>',
    'To: Acme Support <support+c_abcdefghij@acme.test>',
    'Subject: Re: Your order [#abcdefghij]',
    'Date: Mon, 1 Jan 2024 10:00:00 +0100',
    `Message-ID: <${Bun.randomUUIDv7()}@visitor.test>`,
    'In-Reply-To: <0190-out@acme.test>',
    'MIME-Version: 1.0',
    ...extra,
    `Content-Type: ${contentType}`,
    `Content-Transfer-Encoding: ${cte}`,
  ].join('\r\n')

const mail = (body: string, o: { extra?: string[]; contentType?: string; cte?: string } = {}) =>
  `${head(o.extra, o.contentType, o.cte)}\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}`

const alternative = (text: string, html: string) =>
  [
    head([], 'multipart/alternative; boundary="ALT"'),
    '',
    '--ALT',
    'Content-Type: text/plain; charset="UTF-8"',
    'Content-Transfer-Encoding: 8bit',
    '',
    text,
    '--ALT',
    'Content-Type: text/html; charset="UTF-8"',
    'Content-Transfer-Encoding: 8bit',
    '',
    html,
    '--ALT--',
    '',
  ].join('\r\n')

const quoted = '> Hello Jana,\n> your order 1234 ships tomorrow.\n>\n> Olivia, Acme Support\n'

const cases: [string, string, string][] = [
  [
    'Gmail (English), the attribution wrapped over two lines',
    mail(`Great, thank you!\n\nOn Mon, Jan 1, 2024 at 9:00 AM Acme Support <support+c_abcdefghij@acme.test>\nwrote:\n\n${quoted}`),
    'Great, thank you!',
  ],
  [
    'Gmail (German)',
    mail(`Danke, das passt.\n\nAm Mo., 1. Jan. 2024 um 09:00 Uhr schrieb Acme Support <\nsupport@acme.test>:\n\n${quoted}`),
    'Danke, das passt.',
  ],
  [
    'Gmail (Spanish)',
    mail(`Perfecto, gracias.\n\nEl lun, 1 ene 2024 a las 9:00, Acme Support (<support@acme.test>)\nescribió:\n\n${quoted}`),
    'Perfecto, gracias.',
  ],
  [
    'Gmail (Czech)',
    mail(`Děkuji, to stačí.\n\npo 1. 1. 2024 v 9:00 odesílatel Acme Support <support@acme.test>\nnapsal:\n\n${quoted}`),
    'Děkuji, to stačí.',
  ],
  [
    'Gmail (Polish)',
    mail(`Dziękuję, wszystko jasne.\n\npon., 1 sty 2024 o 09:00 Acme Support <support@acme.test> napisał(a):\n\n${quoted}`),
    'Dziękuję, wszystko jasne.',
  ],
  [
    'Gmail (Hungarian)',
    mail(`Köszönöm, rendben.\n\nAcme Support <support@acme.test> ezt írta (időpont: 2024. jan. 1., H,\n9:00):\n\n${quoted}`),
    'Köszönöm, rendben.',
  ],
  [
    'Outlook desktop (English): Original Message separator',
    mail(`Thanks, received.\n\n-----Original Message-----\nFrom: Acme Support <support@acme.test>\nSent: Monday, January 1, 2024 9:00 AM\nTo: Jana Visitor <jana@visitor.test>\nSubject: Your order [#abcdefghij]\n\nHello Jana,\nyour order 1234 ships tomorrow.\n`),
    'Thanks, received.',
  ],
  [
    'Outlook desktop (English): underscores and the header block',
    mail(`Thanks, received.\n\nJana\n\n________________________________\nFrom: Acme Support <support@acme.test>\nSent: Monday, January 1, 2024 9:00 AM\nTo: Jana Visitor <jana@visitor.test>\nSubject: Your order\n\nHello Jana,\n`),
    'Thanks, received.\n\nJana',
  ],
  [
    'Outlook (Czech) header block',
    mail(`Díky, dorazilo.\n\nOd: Acme Support <support@acme.test>\nOdesláno: pondělí 1. ledna 2024 9:00\nKomu: Jana Visitor <jana@visitor.test>\nPředmět: Vaše objednávka\n\nDobrý den,\n`),
    'Díky, dorazilo.',
  ],
  [
    'Outlook (German) header block',
    mail(`Danke, angekommen.\n\n-----Ursprüngliche Nachricht-----\nVon: Acme Support <support@acme.test>\nGesendet: Montag, 1. Januar 2024 09:00\nAn: Jana Visitor <jana@visitor.test>\nBetreff: Ihre Bestellung\n\nHallo Jana,\n`),
    'Danke, angekommen.',
  ],
  [
    'Outlook (Spanish) header block',
    mail(`Gracias, recibido.\n\nDe: Acme Support <support@acme.test>\nEnviado: lunes, 1 de enero de 2024 9:00\nPara: Jana Visitor <jana@visitor.test>\nAsunto: Su pedido\n\nHola Jana,\n`),
    'Gracias, recibido.',
  ],
  [
    'Outlook (Hungarian) header block',
    mail(`Köszönöm, megkaptam.\n\nFeladó: Acme Support <support@acme.test>\nElküldve: 2024. január 1., hétfő 9:00\nCímzett: Jana Visitor <jana@visitor.test>\nTárgy: Rendelése\n\nKedves Jana,\n`),
    'Köszönöm, megkaptam.',
  ],
  [
    'Outlook (Polish) header block',
    mail(`Dziękuję, otrzymałam.\n\nOd: Acme Support <support@acme.test>\nWysłane: poniedziałek, 1 stycznia 2024 09:00\nDo: Jana Visitor <jana@visitor.test>\nTemat: Twoje zamówienie\n\nCześć Jana,\n`),
    'Dziękuję, otrzymałam.',
  ],
  [
    'Outlook on the web, HTML only',
    mail(
      '<html><body><div dir="ltr">Works for me, <b>thanks</b>.</div><div id="appendonsend"></div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri"><b>From:</b> Acme Support &lt;support@acme.test&gt;<br><b>Sent:</b> Monday, January 1, 2024 9:00 AM<br><b>To:</b> Jana Visitor &lt;jana@visitor.test&gt;<br><b>Subject:</b> Your order</font><div>&nbsp;</div></div><div>Hello Jana,<br>your order ships tomorrow.</div></body></html>',
      { contentType: 'text/html; charset="UTF-8"' },
    ),
    'Works for me, thanks.',
  ],
  [
    'Apple Mail on iPhone, with its tagline',
    mail(`Sounds good 👍\n\nSent from my iPhone\n\n> On 1 Jan 2024, at 09:00, Acme Support <support@acme.test> wrote:\n>\n${quoted}`),
    'Sounds good 👍',
  ],
  [
    'Apple Mail (German) on iPhone',
    mail(`Passt!\n\nVon meinem iPhone gesendet\n\n> Am 01.01.2024 um 09:00 schrieb Acme Support <support@acme.test>:\n>\n${quoted}`),
    'Passt!',
  ],
  [
    'Apple Mail (Polish)',
    mail(`Super, dzięki.\n\n> Wiadomość napisana przez Acme Support <support@acme.test> w dniu 01.01.2024, o godz. 09:00:\n>\n${quoted}`),
    'Super, dzięki.',
  ],
  [
    'Apple Mail, HTML only',
    mail(
      '<html><body><div>Yes please.</div><div><br><blockquote type="cite"><div>On 1 Jan 2024, at 09:00, Acme Support &lt;support@acme.test&gt; wrote:</div><br class="Apple-interchange-newline"><div>Hello Jana,</div></blockquote></div></body></html>',
      { contentType: 'text/html; charset="UTF-8"' },
    ),
    'Yes please.',
  ],
  [
    'Thunderbird (English)',
    mail(`Thank you.\n\nOn 01/01/2024 09:00, Acme Support wrote:\n${quoted}`),
    'Thank you.',
  ],
  [
    'Thunderbird (Czech)',
    mail(`Děkuji.\n\nDne 01. 01. 24 v 9:00 Acme Support napsal(a):\n${quoted}`),
    'Děkuji.',
  ],
  [
    'Thunderbird (Polish)',
    mail(`Dzięki.\n\nW dniu 1.01.2024 o 09:00, Acme Support pisze:\n${quoted}`),
    'Dzięki.',
  ],
  [
    'Thunderbird (Hungarian)',
    mail(`Köszi.\n\n2024. 01. 01. 9:00 keltezéssel, Acme Support írta:\n${quoted}`),
    'Köszi.',
  ],
  [
    'Thunderbird (German), with a signature',
    mail(`Danke schön.\n\n-- \nJana Visitor\nMusterstraße 1\n\nAm 01.01.24 um 09:00 schrieb Acme Support:\n${quoted}`, { contentType: 'text/plain; charset=UTF-8; format=flowed' }),
    'Danke schön.',
  ],
  [
    'Thunderbird, HTML only with moz-cite-prefix',
    mail(
      '<html><body><p>Got it, thanks.</p><div class="moz-cite-prefix">On 01/01/2024 09:00, Acme Support wrote:<br></div><blockquote type="cite">Hello Jana,</blockquote><pre class="moz-signature">-- \nJana</pre></body></html>',
      { contentType: 'text/html; charset="UTF-8"' },
    ),
    'Got it, thanks.',
  ],
  [
    'Yahoo Mail (text part without quote markers)',
    mail(`Thanks a lot!\n\n    On Monday, January 1, 2024 at 09:00:00 AM GMT+1, Acme Support <support@acme.test> wrote:\n\n Hello Jana,\nyour order ships tomorrow.\n`),
    'Thanks a lot!',
  ],
  [
    'Yahoo Mail, HTML only',
    mail(
      '<html><body><div class="ydp1 yahoo-style-wrap"><div>Thanks a lot!</div></div><div id="yahoo_quoted_1" class="yahoo_quoted"><div>On Monday, January 1, 2024, 09:00:00 AM GMT+1, Acme Support &lt;support@acme.test&gt; wrote:</div><div>Hello Jana,</div></div></body></html>',
      { contentType: 'text/html; charset="UTF-8"' },
    ),
    'Thanks a lot!',
  ],
  [
    'Gmail, text and HTML (the text part is used)',
    alternative(
      `That's all, thanks.\n\nOn Mon, Jan 1, 2024 at 9:00 AM Acme Support <support@acme.test> wrote:\n\n${quoted}`,
      '<div dir="ltr">That\'s all, thanks.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, Jan 1, 2024 at 9:00 AM Acme Support wrote:<br></div><blockquote class="gmail_quote">Hello Jana,</blockquote></div>',
    ),
    "That's all, thanks.",
  ],
  [
    'Gmail (Spanish), HTML only with its signature',
    mail(
      '<div dir="ltr">Vale, gracias.<br clear="all"><br><span class="gmail_signature_prefix">-- </span><br><div dir="ltr" class="gmail_signature">Jana Visitor<br>+34 600 000 000</div></div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">El lun, 1 ene 2024 a las 9:00, Acme Support escribió:<br></div><blockquote class="gmail_quote">Hola</blockquote></div>',
      { contentType: 'text/html; charset="UTF-8"' },
    ),
    'Vale, gracias.',
  ],
  [
    'Outlook for Android tagline (Czech)',
    mail(`Ano, díky.\n\nZískat Outlook pro Android\n\nOd: Acme Support <support@acme.test>\nOdesláno: Monday, January 1, 2024 9:00:00 AM\nKomu: jana@visitor.test\nPředmět: Vaše objednávka\n\nDobrý den,\n`),
    'Ano, díky.',
  ],
  [
    'Samsung mail tagline (Spanish)',
    mail(`Recibido.\n\nEnviado desde mi Samsung Galaxy\n\n-------- Mensaje original --------\nDe: Acme Support <support@acme.test>\nFecha: 1/1/24 9:00 (GMT+01:00)\nPara: jana@visitor.test\nAsunto: Su pedido\n\nHola\n`),
    'Recibido.',
  ],
  [
    'Hungarian iPhone tagline',
    mail(`Rendben.\n\nElküldve az iPhone-omról\n\n> 2024. jan. 1. dátummal, 9:00 időpontban Acme Support <support@acme.test> írta:\n>\n${quoted}`),
    'Rendben.',
  ],
  [
    'Polish mobile tagline',
    mail(`Ok.\n\nWysłane z mojego telefonu\n\n${quoted}`),
    'Ok.',
  ],
  [
    'quoted-printable in ISO-8859-2 (Czech)',
    mail('P=F8=EDli=B9 =BElu=BBou=E8k=FD k=F9=F2.\n\nDne 1. 1. 2024 v 9:00 Acme Support napsal(a):\n> Dobr=FD den\n', {
      contentType: 'text/plain; charset=iso-8859-2',
      cte: 'quoted-printable',
    }),
    'Příliš žluťoučký kůň.',
  ],
  [
    'base64 in UTF-8 (Polish)',
    mail(Buffer.from('Zażółć gęślą jaźń.\n\nW dniu 1.01.2024 o 09:00, Acme Support pisze:\n> Cześć\n').toString('base64'), { cte: 'base64' }),
    'Zażółć gęślą jaźń.',
  ],
  [
    'format=flowed joins soft-broken lines',
    mail('This line was wrapped by the client \nand belongs together.\n\nOn 1/1/24 09:00, Acme Support wrote:\n> Hello\n', {
      contentType: 'text/plain; charset=utf-8; format=flowed',
    }),
    'This line was wrapped by the client and belongs together.',
  ],
  [
    'an answer written between quoted lines keeps the answers',
    mail('> Which colour?\nBlue.\n> Which size?\nM.\n'),
    '> Which colour?\nBlue.\n> Which size?\nM.',
  ],
]

// Replies written below the quote (bottom-posting), as Thunderbird, Mutt and Gnus users and much
// Czech and German mail do: the new text is what follows the quoted block, with anything the
// visitor wrote above the attribution.
const TB = { extra: ['User-Agent: Mozilla Thunderbird'], contentType: 'text/plain; charset=UTF-8; format=flowed' }
const quotedCs = '> Dobrý den,\n> vaše objednávka 1234 odchází zítra.\n>\n> Olivie, Acme Support\n'
const quotedDe = '> Hallo Jana,\n> Ihre Bestellung 1234 wird morgen versandt.\n>\n> Olivia, Acme Support\n'

cases.push(
  [
    'Thunderbird (English), written below the quote, with a signature',
    mail(`On 01/01/2024 09:00, Acme Support wrote:\n${quoted}\nThank you, I will be at home.\n\n-- \nJana Visitor\n+44 20 7946 0000\n`, TB),
    'Thank you, I will be at home.',
  ],
  [
    'Thunderbird (Czech), written below the quote',
    mail(`Dne 01. 01. 24 v 9:00 Acme Support napsal(a):\n${quotedCs}\nDěkuji, zítra budu doma.\n\nS pozdravem\nJana Nováková\n`, TB),
    'Děkuji, zítra budu doma.\n\nS pozdravem\nJana Nováková',
  ],
  [
    'Thunderbird (German), a greeting above the attribution and the answer below the quote',
    mail(`Hallo,\n\nAm 01.01.24 um 09:00 schrieb Acme Support:\n${quotedDe}\nDanke, ich bin morgen zu Hause.\n\nViele Grüße\nJana\n`, TB),
    'Hallo,\n\nDanke, ich bin morgen zu Hause.\n\nViele Grüße\nJana',
  ],
  [
    'Thunderbird (Polish), written below the quote',
    mail(`W dniu 1.01.2024 o 09:00, Acme Support pisze:\n${quoted}\nDziękuję, jutro będę w domu.\n`, TB),
    'Dziękuję, jutro będę w domu.',
  ],
  [
    'Thunderbird (Spanish), written below the quote',
    mail(`El 1/1/24 a las 9:00, Acme Support escribió:\n${quoted}\nGracias, mañana estaré en casa.\n`, TB),
    'Gracias, mañana estaré en casa.',
  ],
  [
    'Thunderbird (Hungarian), written below the quote',
    mail(`2024. 01. 01. 9:00 keltezéssel, Acme Support írta:\n${quoted}\nKöszönöm, holnap otthon leszek.\n`, TB),
    'Köszönöm, holnap otthon leszek.',
  ],
  [
    'Mutt (English), written below a quote that itself quotes',
    mail(`On Mon, Jan 01, 2024 at 09:00:00AM +0100, Acme Support wrote:\n> Hello Jana,\n> your parcel left today.\n>\n> On Sun, Dec 31, 2023 at 18:00:00PM +0100, Jana Visitor wrote:\n> > Where is my parcel?\n\nGreat, thanks!\n`, {
      extra: ['User-Agent: NeoMutt/20231103'],
    }),
    'Great, thanks!',
  ],
  [
    'Gnus (English), "Name <address> writes:" and the answer below the quote',
    mail(`Acme Support <support@acme.test> writes:\n\n${quoted}\nThanks, noted.\n\n-- \nJana\n`, { extra: ['User-Agent: Gnus/5.13 (Gnus v5.13)'] }),
    'Thanks, noted.',
  ],
  [
    'an "On … writes:" attribution (English), written above the quote',
    mail(`Perfect, thanks.\n\nOn Mon, 1 Jan 2024 at 09:00, Acme Support <support@acme.test> writes:\n\n${quoted}`),
    'Perfect, thanks.',
  ],
  [
    'an answer written between the quoted questions after an attribution (Czech) keeps the answers',
    mail(`Dne 01. 01. 24 v 9:00 Acme Support napsal(a):\n> Jakou barvu si přejete?\n\nModrou.\n\n> A jakou velikost?\n\nM, prosím.\n\n> S pozdravem\n> Olivie\n\n-- \nJana\n`, TB),
    '> Jakou barvu si přejete?\n\nModrou.\n\n> A jakou velikost?\n\nM, prosím.',
  ],
  [
    'an answer written between quoted lines after an attribution (German) keeps the answers',
    mail(`Hallo,\n\nAm 01.01.24 um 09:00 schrieb Acme Support:\n> Welche Farbe?\nBlau.\n> Welche Größe?\n42.\n`, TB),
    'Hallo,\n\n> Welche Farbe?\nBlau.\n> Welche Größe?\n42.',
  ],
  [
    'Gmail through Google Workspace (English): the company footer below the quote is not new text',
    mail(`Yes, please go ahead.\n\nOn Mon, Jan 1, 2024 at 9:00 AM Acme Support <support@acme.test> wrote:\n\n${quoted}\n\nThis email and any attachments are confidential and intended solely for the addressee. If you\nhave received it in error, please notify the sender and delete it.\n`),
    'Yes, please go ahead.',
  ],
  [
    'Thunderbird (German), written below the quote, then the company disclaimer',
    mail(`Am 01.01.24 um 09:00 schrieb Acme Support:\n${quotedDe}\nDanke, passt so.\n\nMit freundlichen Grüßen\nJana Visitor\n\nDiese E-Mail enthält vertrauliche Informationen und ist ausschließlich für den Adressaten bestimmt.\n`, TB),
    'Danke, passt so.\n\nMit freundlichen Grüßen\nJana Visitor',
  ],
  [
    'Thunderbird (Czech), written below the quote, then the company disclaimer',
    mail(`Dne 01. 01. 24 v 9:00 Acme Support napsal(a):\n${quotedCs}\nDěkuji, souhlasím.\n\nTento e-mail a jeho přílohy jsou důvěrné a určené pouze adresátovi.\n`, TB),
    'Děkuji, souhlasím.',
  ],
  [
    'Thunderbird (German), HTML only, written below the quote',
    mail(
      '<html><body><div class="moz-cite-prefix">Am 01.01.24 um 09:00 schrieb Acme Support:<br></div><blockquote type="cite">Hallo Jana,<br>Ihre Bestellung wird morgen versandt.</blockquote><p>Danke, passt.</p><div class="moz-signature">-- <br>Jana</div></body></html>',
      { extra: ['User-Agent: Mozilla Thunderbird'], contentType: 'text/html; charset=UTF-8' },
    ),
    'Danke, passt.',
  ],
)

// Yahoo Mail's apps: a tagline, then the history flattened into the attribution's line.
const YAHOO = { extra: ['X-Mailer: WebService/1.1.21952 YMailAndroid'] }
cases.push(
  [
    'Yahoo Mail on Android (English): tagline and flattened history',
    mail(`Thanks, see you then!\n\nSent from Yahoo Mail on Android\n \n  On Mon, Jan 1, 2024 at 9:00, Acme Support<support@acme.test> wrote:   Hello Jana,your order 1234 ships tomorrow.Olivia, Acme Support  \n`, YAHOO),
    'Thanks, see you then!',
  ],
  [
    'Yahoo Mail on Android (Czech)',
    mail(`Děkuji, budu doma.\n\nOdesláno z Yahoo Mail pro Android\n \n  Dne po, 1. led 2024 v 9:00 uživatel Acme Support<support@acme.test> napsal(a):   Dobrý den,vaše objednávka 1234 odchází zítra.\nOlivie, Acme Support  \n`, YAHOO),
    'Děkuji, budu doma.',
  ],
  [
    'Yahoo Mail for iPhone (German)',
    mail(`Danke, passt.\n\nGesendet von Yahoo Mail für iPhone\n\n  Am Montag, 1. Januar 2024, 09:00, schrieb Acme Support <support@acme.test>:   Hallo Jana,Ihre Bestellung 1234 wird morgen versandt.Olivia, Acme Support  \n`, {
      extra: ['X-Mailer: WebService/1.1.21952 YahooMailIosMobile'],
    }),
    'Danke, passt.',
  ],
  [
    'Yahoo Mail on Android (Spanish)',
    mail(`Gracias, perfecto.\n\nEnviado desde Yahoo Mail con Android\n \n  El lun., 1 ene. 2024 a las 9:00, Acme Support<support@acme.test> escribió:   Hola Jana,su pedido 1234 sale mañana.Olivia, Acme Support  \n`, YAHOO),
    'Gracias, perfecto.',
  ],
  [
    'Yahoo Mail on Android (Polish)',
    mail(`Dziękuję, jasne.\n\nWysłane z Yahoo Poczty na Androida\n \n  pon., 1 sty 2024 o 9:00 Acme Support<support@acme.test> napisał(a):   Cześć Jana,Twoje zamówienie 1234 zostanie wysłane jutro.Olivia, Acme Support  \n`, YAHOO),
    'Dziękuję, jasne.',
  ],
  [
    'Yahoo Mail on Android (Hungarian)',
    mail(`Köszönöm, rendben.\n\nKüldve a Yahoo Mail Android-alkalmazásból\n \n  2024. jan. 1., hétfő, 9:00 időpontban Acme Support<support@acme.test> írta:   Kedves Jana!A 1234-es rendelése holnap indul.Olivia, Acme Support  \n`, YAHOO),
    'Köszönöm, rendben.',
  ],
  [
    'Yahoo Mail on Android without its tagline (English)',
    mail(`Got it.\n\n  On Mon, Jan 1, 2024 at 9:00, Acme Support<support@acme.test> wrote:   Hello Jana,your order 1234 ships tomorrow.  \n`, YAHOO),
    'Got it.',
  ],
)

// Seznam.cz (Email.cz): its own separator, then Od:/Komu:/Datum:/Předmět: and the original in quotes.
cases.push(
  [
    'Seznam.cz (Czech), text',
    mail(`Dobrý den,\n\nděkuji, zásilku převezmu.\n\nJana Nováková\n\n---------- Původní e-mail ----------\nOd: Acme Support <support+c_abcdefghij@acme.test>\nKomu: jana@seznam.cz\nDatum: 1. 1. 2024 9:00:00\nPředmět: Vaše objednávka [#abcdefghij]\n"Dobrý den,\n\nvaše objednávka 1234 odchází zítra.\n\nOlivie, Acme Support"\n`),
    'Dobrý den,\n\nděkuji, zásilku převezmu.\n\nJana Nováková',
  ],
  [
    'Seznam.cz (Czech), HTML only',
    mail(
      '<div>Děkuji, to stačí.</div><div><br></div><div>Jana</div><div><br></div><div><br></div><div>---------- Původní e-mail ----------<br>Od: Acme Support &lt;support@acme.test&gt;<br>Komu: jana@seznam.cz<br>Datum: 1. 1. 2024 9:00:00<br>Předmět: Vaše objednávka<br></div><blockquote data-email="support@acme.test"><div>Dobrý den,</div><div>vaše objednávka 1234 odchází zítra.</div></blockquote>',
      { contentType: 'text/html; charset=UTF-8' },
    ),
    // html-to-text renders each empty <div><br></div> as a blank line of its own
    'Děkuji, to stačí.\n\n\nJana',
  ],
  [
    'Seznam.cz (Czech), the separator without a header block after it',
    mail(`Ano, platí.\n\n---------- Původní e-mail ----------\n"Potvrzujete doručení na adresu Dlouhá 5?"\n`),
    'Ano, platí.',
  ],
)

// The visitor's own text that only looks like history keeps everything.
cases.push(
  [
    'a line starting with ">" inside the visitor’s own text (English)',
    mail('Hello,\n\nthe installer stops with this message:\n> Error: disk full (code 28)\nand nothing else happens. What can I do?\n\nJana\n'),
    'Hello,\n\nthe installer stops with this message:\n> Error: disk full (code 28)\nand nothing else happens. What can I do?\n\nJana',
  ],
  [
    '"wrote:" in the visitor’s own prose, quoting someone else (English)',
    mail('Hello,\n\nyour colleague wrote:\n> The parcel arrives on Monday.\nIt did not arrive. Could you check, please?\n\nJana\n'),
    'Hello,\n\nyour colleague wrote:\n> The parcel arrives on Monday.\nIt did not arrive. Could you check, please?\n\nJana',
  ],
  [
    '"napsal:" in the visitor’s own prose (Czech)',
    mail('Dobrý den,\n\nváš kolega mi napsal:\n\nZásilka dorazí v pondělí.\n\nAle nedorazila. Můžete to prověřit?\n'),
    'Dobrý den,\n\nváš kolega mi napsal:\n\nZásilka dorazí v pondělí.\n\nAle nedorazila. Můžete to prověřit?',
  ],
  [
    '"schrieb … :" with a date in the visitor’s own prose (German)',
    mail('Guten Tag,\n\nam 3. Januar schrieb mir Ihr Kollege:\n> Die Lieferung kommt am Montag.\nSie kam aber nicht. Können Sie nachsehen?\n\nViele Grüße\nJana\n'),
    'Guten Tag,\n\nam 3. Januar schrieb mir Ihr Kollege:\n> Die Lieferung kommt am Montag.\nSie kam aber nicht. Können Sie nachsehen?\n\nViele Grüße\nJana',
  ],
  [
    '"napisał:" with a date in the visitor’s own prose (Polish)',
    mail('Dzień dobry,\n\n3 stycznia Państwa konsultant napisał:\n\nPaczka dotrze w poniedziałek.\n\nNie dotarła. Proszę sprawdzić.\n'),
    'Dzień dobry,\n\n3 stycznia Państwa konsultant napisał:\n\nPaczka dotrze w poniedziałek.\n\nNie dotarła. Proszę sprawdzić.',
  ],
  [
    '"escribió:" in the visitor’s own prose, mid-line (Spanish)',
    mail('Hola,\n\nsu compañero escribió: "llega el lunes". No llegó.\n\nJana\n'),
    'Hola,\n\nsu compañero escribió: "llega el lunes". No llegó.\n\nJana',
  ],
)

describe('reply formats of the common clients and the six languages', () => {
  for (const [name, raw, expected] of cases) {
    it(`keeps only the new text: ${name}`, async () => {
      const m = await parseMail(raw)
      expect(m.kind).toBe('message')
      expect(m.text).toBe(expected)
      // the whole mail stays available
      expect(m.fullText.length).toBeGreaterThanOrEqual(expected.length)
    })
  }

  it('keeps everything when the whole mail is a quote (nothing is lost)', () => {
    expect(stripReply('> only a quote\n> nothing else')).toBe('> only a quote\n> nothing else')
  })

  it('does not cut ordinary sentences that merely mention writing', () => {
    const text = 'On Monday my colleague wrote to you about it.\nAm Montag habe ich geschrieben.\nFrom: the warehouse, they said'
    expect(stripReply(text)).toBe(text)
  })

  it('decodes an encoded-word subject whose token is split across words', async () => {
    const raw = mail('Hi').replace(/Subject: .*/, 'Subject: =?UTF-8?B?UmU6IFZhxaFlIG9iamVkbsOhdmthIFsjYWJj?=\r\n =?UTF-8?Q?defghij=5D?=')
    expect((await parseMail(raw)).subject).toBe('Re: Vaše objednávka [#abcdefghij]')
  })
})

const auto = (headers: string[], subject = 'Re: Your order', body = 'I am away.') =>
  mail(body, { extra: headers }).replace(/Subject: .*/, `Subject: ${subject}`)

describe('mail that is not a visitor writing', () => {
  const table: [string, string, 'auto_reply' | 'receipt' | 'bounce'][] = [
    ['Auto-Submitted: auto-replied', auto(['Auto-Submitted: auto-replied']), 'auto_reply'],
    ['X-Autoreply', auto(['X-Autoreply: yes']), 'auto_reply'],
    ['Precedence: bulk', auto(['Precedence: bulk']), 'auto_reply'],
    ['Precedence: auto_reply', auto(['Precedence: auto_reply']), 'auto_reply'],
    ['an out-of-office subject (English)', auto([], 'Automatic reply: Your order'), 'auto_reply'],
    ['an out-of-office subject (German)', auto([], 'Abwesenheitsnotiz: Ihre Bestellung'), 'auto_reply'],
    ['an out-of-office subject (Czech)', auto([], 'Automatická odpověď: Vaše objednávka'), 'auto_reply'],
    ['an out-of-office subject (Spanish)', auto([], 'Respuesta automática: Su pedido'), 'auto_reply'],
    ['an out-of-office subject (Hungarian)', auto([], 'Automatikus válasz: Rendelése'), 'auto_reply'],
    ['an out-of-office subject (Polish)', auto([], 'Odpowiedź automatyczna: Twoje zamówienie'), 'auto_reply'],
    [
      'a read receipt (MDN)',
      mail('--R\r\nContent-Type: text/plain\r\n\r\nYour message was read.\r\n--R\r\nContent-Type: message/disposition-notification\r\n\r\nFinal-Recipient: rfc822;jana@visitor.test\r\nDisposition: manual-action/MDN-sent-manually; displayed\r\n--R--\r\n', {
        contentType: 'multipart/report; report-type=disposition-notification; boundary="R"',
      }),
      'receipt',
    ],
    [
      'a delivery status notification',
      mail('--B\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.visitor.test\r\n\r\nFinal-Recipient: rfc822; jana@visitor.test\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <jana@visitor.test>: Recipient address rejected\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <0190-out@acme.test>\r\nSubject: Your order\r\n--B--\r\n', {
        contentType: 'multipart/report; report-type=delivery-status; boundary="B"',
      }),
      'bounce',
    ],
  ]
  for (const [name, raw, kind] of table) {
    it(`recognises ${name}`, async () => {
      expect((await parseMail(raw)).kind).toBe(kind)
    })
  }

  it("reads the bounced mail's Message-ID and the receiving server's error from a bounce", async () => {
    const m = await parseMail(table[table.length - 1]![1])
    expect(m.bounce).toEqual({ messageIds: ['0190-out@acme.test'], error: '550 5.1.1 <jana@visitor.test>: Recipient address rejected' })
  })

  it('takes a "delayed" delivery report for news, not a bounce', async () => {
    const raw = mail('--B\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; jana@visitor.test\r\nAction: delayed\r\nStatus: 4.4.1\r\n--B--\r\n', {
      contentType: 'multipart/report; report-type=delivery-status; boundary="B"',
    })
    expect((await parseMail(raw)).kind).toBe('auto_reply')
  })

  it('takes Auto-Submitted: no for a person writing', async () => {
    expect((await parseMail(auto(['Auto-Submitted: no']))).kind).toBe('message')
  })
})
