/** The detectors a policy switches on, each paired with the action the policy gives it. */
import { DEFAULT_ACTIONS, DETECTOR_IDS, type Action, type DetectorId, type Policy } from '../policy-schema.js';
import { credentialUrlDetector } from './credential-url.js';
import { dateOfBirthDetector } from './date-of-birth.js';
import type { Detector } from './detector.js';
import { emailDetector } from './email.js';
import { gitleaksDetector } from './gitleaks-rules.js';
import { ibanDetector } from './iban.js';
import { ipAddressDetector } from './ip-address.js';
import { nationalIdDetector } from './national-id.js';
import { paymentCardDetector } from './payment-card.js';
import { personNameDetector, personNameDetectorFor } from './person-name.js';
import { denyDetector } from '../policy-lists.js';
import { phoneDetector } from './phone.js';
import { secretsDetector } from './secrets.js';
import { streetAddressDetector } from './street-address.js';
import { usSsnDetector } from './us-ssn.js';

export const BUILT_IN: Record<DetectorId, Detector> = {
  email: emailDetector,
  phone: phoneDetector,
  payment_card: paymentCardDetector,
  iban: ibanDetector,
  us_ssn: usSsnDetector,
  national_id: nationalIdDetector,
  ip_address: ipAddressDetector,
  date_of_birth: dateOfBirthDetector,
  street_address: streetAddressDetector,
  person: personNameDetector,
  credential_url: credentialUrlDetector,
  secrets: secretsDetector,
};

export interface ActiveDetector {
  readonly detector: Detector;
  readonly action: Exclude<Action, 'off'>;
}

/** `gitleaksToml` is the text of the policy's gitleaks file, read by the caller. */
export function activeDetectors(policy: Policy, gitleaksToml?: { text: string; fileName: string }): ActiveDetector[] {
  const active: ActiveDetector[] = [];
  for (const id of DETECTOR_IDS) {
    const action = policy.detectors[id] ?? DEFAULT_ACTIONS[id];
    if (action === 'off') continue;
    // The person detector follows the policy's public-figure setting and context words.
    const custom = id === 'person' && (policy.publicFigures !== 'keep' || policy.context.person.length > 0);
    const detector = custom ? personNameDetectorFor({ publicFigures: policy.publicFigures, contextWords: new Set(policy.context.person.map((w) => w.toLowerCase())) }) : BUILT_IN[id];
    active.push({ detector, action });
  }
  const deny = denyDetector(policy);
  if (deny !== undefined) active.push({ detector: deny, action: policy.deny.action });
  if (policy.gitleaks !== undefined && policy.gitleaks.action !== 'off' && gitleaksToml !== undefined) {
    active.push({ detector: gitleaksDetector(gitleaksToml.text, gitleaksToml.fileName), action: policy.gitleaks.action });
  }
  return active;
}
