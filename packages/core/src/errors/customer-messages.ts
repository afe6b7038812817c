/**
 * Sentences safe to show a customer: short, actionable, and revealing nothing internal (no PSP
 * names, codes or fraud signals). Override any of them with the `customerMessages` option.
 */
export const DEFAULT_CUSTOMER_MESSAGES: Readonly<Record<number, string>> = Object.freeze({
  // 6000 bank/card
  6001: 'Your bank declined this payment. Please contact your bank or use a different payment method.',
  6002: 'This payment exceeds your available funds or limit. Please use a different card or a smaller amount.',
  6003: 'Your card issuer declined this payment. Please contact your issuer or use a different card.',
  6011: 'Some card details are incorrect. Please check the card number, expiry date and security code.',
  6012: 'This card is not supported. Please use a different card.',
  6013: 'Your card has expired. Please use a different card.',
  6014: 'Your card was declined. Please use a different card or contact your bank.',
  6015: 'Your card is blocked. Please contact your bank or use a different card.',
  6016: 'Card verification (3-D Secure) did not complete. Please try again and finish the verification step.',
  6017: 'Your card could not be processed. Please try again in a moment or use a different card.',
  6018: 'Your bank declined this payment. Please contact your bank or use a different payment method.',
  6019: 'This payment exceeds your card limit. Please use a different card or a smaller amount.',
  6020: 'The bank details are not valid. Please check them or choose a different bank.',
  6021: 'This card cannot be used. Please use a different card.',
  6022: 'This card cannot be used. Please use a different card.',
  // customer-actionable codes outside the 6000 series
  4056: 'Your one-time password has expired. Please request a new code and try again.',
  4072: 'This payment session has expired. Please start the payment again.',
  4073: 'The one-time password was not correct. Please check the code and try again.',
  4082: 'This payment session has expired. Please start the payment again.',
  4100: 'Your payment could not be completed. Please try another payment method.',
  8002: 'We could not verify this payment with your bank. Please try again and complete the verification step.',
  8004: 'This payment could not be approved. Please try another payment method.',
});

/** Used for a 6000-series code the catalogue does not know. */
export const GENERIC_DECLINE_MESSAGE =
  'Your payment could not be completed. Please try another payment method.';

/**
 * The customer message for a code: the user's override first, then the default; 6000-series
 * codes always get one (a generic decline when nothing more specific exists).
 */
export function customerMessageFor(
  code: number | undefined,
  overrides?: Readonly<Record<number, string>>,
): string | undefined {
  if (code === undefined) return undefined;
  const override = overrides?.[code];
  // Overrides come from user config: only a non-empty string may reach the customer.
  if (typeof override === 'string' && override.trim() !== '') return override;
  const message = DEFAULT_CUSTOMER_MESSAGES[code];
  if (message !== undefined) return message;
  return code >= 6000 && code < 7000 ? GENERIC_DECLINE_MESSAGE : undefined;
}
