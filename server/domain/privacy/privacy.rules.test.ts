import { describe, expect, it } from 'bun:test'
import { maskCardNumbers, maskCardNumbersInHtml, luhnValid } from './privacy.rules.ts'

const masked: [string, string, string][] = [
  ['Visa grouped by spaces', 'My card is 4111 1111 1111 1111, thanks', 'My card is •••• •••• •••• 1111, thanks'],
  ['Visa plain', '4111111111111111', '••••••••••••1111'],
  ['Visa with dashes', 'card: 4012-8888-8888-1881.', 'card: ••••-••••-••••-1881.'],
  ['Visa with no-break spaces', 'číslo karty 4111\u00a01111\u00a01111\u00a01111', 'číslo karty ••••\u00a0••••\u00a0••••\u00a01111'],
  ['Visa 13 digits', 'alt 4222222222222', 'alt •••••••••2222'],
  ['Visa 19 digits', '4111 1111 1111 1111 003', '•••• •••• •••• •••1 003'],
  ['Mastercard 5-series', 'Mastercard 5555 5555 5555 4444 ok', 'Mastercard •••• •••• •••• 4444 ok'],
  ['Mastercard 2-series', '2223003122003222', '••••••••••••3222'],
  ['Amex 4-6-5', 'Amex: 3782 822463 10005', 'Amex: •••• •••••• •0005'],
  ['Amex plain', '371449635398431', '•••••••••••8431'],
  ['Discover', 'Discover 6011 1111 1111 1117', 'Discover •••• •••• •••• 1117'],
  ['Discover 65', '6500000000000002', '••••••••••••0002'],
  ['Discover 622126', '6221 2600 0000 0000', '•••• •••• •••• 0000'],
  ['UnionPay 81', '810000000000000', '•••••••••••0000'],
  ['JCB', 'JCB 3530 1113 3330 0000', 'JCB •••• •••• •••• 0000'],
  ['Diners 14 digits', 'Diners 3056 930902 5904', 'Diners •••• •••••• 5904'],
  ['Maestro', 'Maestro 6759 6498 2643 8453', 'Maestro •••• •••• •••• 8453'],
  ['UnionPay', 'UnionPay 6200 0000 0000 0005', 'UnionPay •••• •••• •••• 0005'],
  ['German sentence', 'Meine Kreditkarte: 4111-1111-1111-1111, gültig bis 12/27.', 'Meine Kreditkarte: ••••-••••-••••-1111, gültig bis 12/27.'],
  ['Spanish sentence', 'Mi tarjeta es 5555 5555 5555 4444 y caduca en 2027', 'Mi tarjeta es •••• •••• •••• 4444 y caduca en 2027'],
  ['Hungarian sentence', 'A kártyaszámom 4111 1111 1111 1111, köszönöm!', 'A kártyaszámom •••• •••• •••• 1111, köszönöm!'],
  ['Polish sentence', 'Numer karty: 4111111111111111 (Visa)', 'Numer karty: ••••••••••••1111 (Visa)'],
  ['Czech sentence', 'Platila jsem kartou 5555-5555-5555-4444 včera', 'Platila jsem kartou ••••-••••-••••-4444 včera'],
  ['two cards in one message', '4111111111111111 or 5555555555554444', '••••••••••••1111 or ••••••••••••4444'],
  ['card on its own line', 'Hi\n4111 1111 1111 1111\nBye', 'Hi\n•••• •••• •••• 1111\nBye'],
  // What follows a card (expiry, CVC, an order number typed after it) does not hide it.
  ['plain card, expiry and CVC', 'pay with 5555555555554444 03/29 737', 'pay with ••••••••••••4444 03/29 737'],
  ['grouped card and expiry run together', '5555 5555 5555 4444 0329', '•••• •••• •••• 4444 0329'],
  ['card and CVC', 'Visa 4111 1111 1111 1111 123', 'Visa •••• •••• •••• 1111 123'],
  ['card, then more groups', '4111 1111 1111 1111 1111 1', '•••• •••• •••• 1111 1111 1'],
  ['CVC before the card', 'CVC 737 4111 1111 1111 1111', 'CVC 737 •••• •••• •••• 1111'],
  ['card with dashes and expiry', '4012-8888-8888-1881-12-27', '••••-••••-••••-1881-12-27'],
  ['Czech: card, platnost, CVV', 'Karta 4111 1111 1111 1111 platnost 08/28 CVV 123', 'Karta •••• •••• •••• 1111 platnost 08/28 CVV 123'],
  ['German: Karte mit Ablaufdatum', 'Kartennummer 5555 5555 5555 4444 12 27 bitte belasten', 'Kartennummer •••• •••• •••• 4444 12 27 bitte belasten'],
  ['Spanish: tarjeta y código', 'tarjeta 4111111111111111 cvv 123', 'tarjeta ••••••••••••1111 cvv 123'],
  ['Polish: karta i data', 'karta 5555-5555-5555-4444 ważna do 11/26', 'karta ••••-••••-••••-4444 ważna do 11/26'],
  ['Hungarian: kártya és lejárat', 'kártyaszám 4111 1111 1111 1111 0927 CVC 555', 'kártyaszám •••• •••• •••• 1111 0927 CVC 555'],
  ['Amex then its CID', '3782 822463 10005 1234', '•••• •••••• •0005 1234'],
  ['card and order number', '4111111111111111 100045781234', '••••••••••••1111 100045781234'],
  // After a word that ends in digits (a product code, a quantity): still a card.
  ['card after a letter-and-digit word', 'V1 4111 1111 1111 1111', 'V1 •••• •••• •••• 1111'],
  ['plain card after a letter-and-digit word', 'seat A1 4111111111111111', 'seat A1 ••••••••••••1111'],
  ['card after a quantity glued to a word', 'Qty12 5555 5555 5555 4444', 'Qty12 •••• •••• •••• 4444'],
  ['card after a phone number and a word', '+420 601 234 567, karta 4111 1111 1111 1111', '+420 601 234 567, karta •••• •••• •••• 1111'],
]

const untouched: [string, string][] = [
  ['an international phone number', 'Call me on +420 601 234 567 or +44 20 7946 0958'],
  ['a phone number with 00', 'Tel. 00420 601 234 567'],
  ['a US phone number', '(555) 123-4567'],
  ['a Czech IBAN', 'IBAN: CZ65 0800 0000 1920 0014 5399'],
  ['a German IBAN', 'DE89 3704 0044 0532 0130 00'],
  ['a Polish IBAN', 'PL61 1090 1014 0000 0712 1981 2874'],
  ['an order number', 'Order number 100045781234 shipped'],
  ['an order number with letters', 'Objednávka ORD-4111111111111111'],
  ['a date', 'Delivered on 2024-01-15 at 14:30'],
  ['a price', 'Cena 1 299,00 Kč, Preis 4 111,11 €'],
  ['a Luhn-invalid 16 digits', '4111 1111 1111 1112'],
  ['a Luhn-valid number without a card prefix', '0000 0000 0000 0000'],
  ['too short', '4111 1111 111'],
  ['a 20-digit run with no card at its start', '9111 1111 1111 1111 1111'],
  ['a Czech bank account', 'Účet 19-2000145399/0800'],
  ['a phone number after a date', '2024-01-15 +420 601 234 567'],
  ['two phone numbers in a row', '601 234 567 602 345 678'],
  ['a phone number and a postcode', '777 123 456 110 00 Praha'],
  ['a Hungarian bank account', 'Számlaszám: 11773016-11111018-00000000'],
  ['a Spanish IBAN', 'ES91 2100 0418 4502 0005 1332'],
  // An IBAN whose later groups would pass for a card on their own (4111 1111 1111 1111 is one).
  ['an IBAN with a card-like tail', 'IBAN: SK31 4111 1111 1111 1111 0000'],
  ['a lower-case IBAN', 'iban cz65 0800 0000 1920 0014 5399'],
  ['a phone number with a card-like tail', '+44 4111 1111 1111 1111'],
  ['an order and a date', 'Bestellung 1000457812 vom 15.01.2024'],
  ['a tracking number', 'Sendungsnummer 00340434161094042557'],
  ['double spaces break the group', '4111  1111  1111  1111'],
  ['digits glued to a word', 'ref4111111111111111'],
  ['plain text', 'Dobrý den, mám dotaz k objednávce.'],
]

describe('card-number masking', () => {
  it('checks the Luhn sum', () => {
    expect(luhnValid('4111111111111111')).toBe(true)
    expect(luhnValid('4111111111111112')).toBe(false)
    expect(luhnValid('79927398713')).toBe(true)
  })
  for (const [name, input, output] of masked) {
    it(`masks ${name}`, () => {
      expect<string>(maskCardNumbers(input)).toBe(output)
    })
  }
  for (const [name, input] of untouched) {
    it(`leaves ${name} alone`, () => {
      expect<string>(maskCardNumbers(input)).toBe(input)
    })
  }
})

describe('card-number masking in HTML', () => {
  it('finds a card whose groups are joined by &nbsp; or whose digits are character references', () => {
    expect<string>(maskCardNumbersInHtml('<p>4111&nbsp;1111&nbsp;1111&nbsp;1111</p>')).toBe('<p>••••\u00a0••••\u00a0••••\u00a01111</p>')
    expect<string>(maskCardNumbersInHtml('<p>&#52;111&#32;1111&#x20;1111 1111</p>')).toBe('<p>•••• •••• •••• 1111</p>')
    expect<string>(maskCardNumbersInHtml('<b>4111 1111 1111 1111</b>')).toBe('<b>•••• •••• •••• 1111</b>')
  })

  it('leaves HTML without a card exactly as it was, references included', () => {
    for (const html of ['<p>Tom&nbsp;&amp;&nbsp;Jerry, order&nbsp;12345</p>', '<p>&amp;nbsp;4111&amp;nbsp;1111</p>', 'price&#32;&#52;2 €']) {
      expect<string>(maskCardNumbersInHtml(html)).toBe(html)
    }
  })
})
