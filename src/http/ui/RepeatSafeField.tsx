import { randomUUID } from 'node:crypto';
import { FORM_KEY_FIELD } from '../../domain/forms/repeatSafeSubmission.ts';

/**
 * The hidden key of a form that must not act twice (Send, Send All): a fresh one each time the form is
 * shown, so pressing again after a lost answer is recognised, while a newly shown form acts again.
 */
export const RepeatSafeField = () => <input type="hidden" name={FORM_KEY_FIELD} value={randomUUID()} />;
