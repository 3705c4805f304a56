import { describe, expect, it } from 'vitest';
import { detectOtp } from '../../functions/core/otp.ts';

/** Verification-code / OTP messages: every one must be caught, whatever the casing. */
const OTP_MESSAGES = [
  'Your verification code is 123456',
  'Your Verification Code: 482913',
  'VERIFICATION CODE 993311',
  'Use security code 5521 to continue',
  'Your security code is 88412',
  'Your login code is 771204',
  'Log-in code: 6631',
  'Here is your one-time code: 120934',
  'Your one time passcode is 8821',
  'Use this one-time password to sign in: 44910',
  'Your sign-in code is 002931',
  'Sign in code 3391',
  'Enter passcode 112233 to access your account',
  'Your passcode: 0091',
  'Your OTP is 8812',
  'OTP for your transaction: 552211',
  'otp 123456 valid for 10 minutes',
  'Do not share this OTP with anyone',
  'Your 2FA code is 334455',
  '2FA code: 991122',
  'Your two-factor authentication code is 812731',
  'code is 123456',
  'Your code is 4455',
  'G-123456 is your Google verification code',
  '123456 is your Instagram code',
  '884213 is your verification code',
  'Your Amazon OTP is 112200',
  'Your MFA code: 441122',
  'Authentication code: 717171',
  'Your single-use code is 3355',
  'Confirm your email with verification code 553311',
  'Your Microsoft account security code is 2245',
  'Enter code 839201 to verify your phone',
  "Your PayPal code is 334100. Don't share it.",
  'Your login PIN is 2291',
  'Use verify code 7788 for your bank',
  'Here is your 2-step verification code: 882100',
  'Your Apple ID Code is: 401233. Do not share it with anyone.',
  'WhatsApp code 123-456',
  'Your Uber code: 8834. Never share this code.',
  'Your authorization code is 661204',
  'Your TOTP code: 553201',
  'Here are your backup verification codes',
  'vErIfIcAtIoN cOdE: 912345',
  'Security Code 4421 - expires in 5 minutes',
  'Your Slack confirmation code is 339120',
  'Your login verification code is 8802',
];

/**
 * Ordinary mail that merely contains "code", "pin", "pass…" or the letters o-t-p. "the OTPS123
 * file" is a file name, not a one-time password: the letters are part of a longer token.
 */
const ORDINARY_MESSAGES = [
  'Ship to zip code 94107',
  'Please fill in your ZIP code 10001 on the form',
  'Requested your code review on PR #42',
  'Code review: fix flaky test',
  'Reduce your carbon footprint this winter',
  'Potpourri gift set 20% off',
  'Use promo code SAVE10 at checkout',
  'Promo code is 123456',
  'Your coupon code: 554433',
  'Dress code for Friday: smart casual',
  'The source code is available on GitHub',
  'Please open the OTPS123 file before the meeting',
  'Your tracking number is 1Z999AA10123456784',
  'Tracking code: 94001118992234',
  'Order #112233 has shipped',
  'Your order number is 554321',
  'Meeting invite: Q3 planning, Tuesday 10:00',
  'Invitation: Design sync @ Wed 3pm',
  'Your invoice 2026-1123 is ready',
  'Discount code is 202611',
  'Gift code: 8821-1111',
  'Referral code is 4455 — share with friends',
  'Error code 500 while syncing',
  'Status code: 404',
  'Area code 415 numbers are available',
  'Your booking reference code is 776655',
  'Booking code: 992211',
  'Room code 1204 for the workshop',
  'Reset your password by clicking this link',
  'Your password was changed successfully',
  'Photography workshop in Hotpot Street',
  'Copyright notice: the code of conduct has been updated',
  'Our code of conduct applies to all attendees',
  'Your flight QF12 departs at 10:45',
  'Spotify: your monthly receipt',
  'Hello team, lunch is at noon',
  'Bank statement for November is available',
  'Your package will arrive Tuesday',
  'Code 4 lunch meetup this Friday',
  'The QR code is attached to your ticket',
  'Your parcel 123456 is out for delivery',
  'Newsletter: 10 tips for clean code',
  'Voucher code is 334455',
  'Tax code 1257L applies from April',
  'Pin the document to the channel',
  'Topple the competition with our new laptop',
  'Captopril prescription ready for pickup',
  'Capture the moment: photo contest',
  'The postcode is SW1A 1AA',
  'Learn to code in 30 days',
  'Your two-week trial ends soon',
  'Join Zoom Meeting https://zoom.us/j/8451234 Meeting ID: 845 1234 5678 Passcode: 998877',
  'Teams meeting: Sprint review. Meeting passcode: Ab12cd',
  'Your login password was changed successfully',
  'Your gift card code is 55667788',
  'Two-factor authentication was turned on for your account',
  'Your one-time offer: 50% off today only',
  'New login attempt from Chrome on Windows',
  'Area code 415-555-1234 is now yours',
];

describe('detectOtp', () => {
  it('has a table of at least 45 of each kind', () => {
    expect(OTP_MESSAGES.length).toBeGreaterThanOrEqual(45);
    expect(ORDINARY_MESSAGES.length).toBeGreaterThanOrEqual(45);
    expect(new Set(OTP_MESSAGES).size).toBe(OTP_MESSAGES.length);
    expect(new Set(ORDINARY_MESSAGES).size).toBe(ORDINARY_MESSAGES.length);
  });

  it.each(OTP_MESSAGES)('catches %j', (snippet) => {
    expect(detectOtp(snippet).otp).toBe(true);
  });

  it.each(ORDINARY_MESSAGES)('lets %j through', (snippet) => {
    expect(detectOtp(snippet).otp).toBe(false);
  });

  it.each(['verification code', 'otp', 'passcode', '2fa code'])('ignores case: %s', (phrase) => {
    for (const variant of [phrase, phrase.toUpperCase(), phrase.replace(/^./, (c) => c.toUpperCase())]) {
      expect(detectOtp(`Your ${variant} is 123456`).otp).toBe(true);
    }
  });

  it("matches whole words only, unlike the runbook's LIKE '%OTP%'", () => {
    for (const word of ['footprint', 'potpourri', 'hotpot', 'captopril', 'OTPS123']) {
      expect(detectOtp(`see ${word} attached`).otp).toBe(false);
    }
    expect(detectOtp('see OTP attached').otp).toBe(true);
  });
});
