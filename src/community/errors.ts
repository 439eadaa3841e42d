// Codes of votes, reports and moderation (src/community), the same in every app.
import { AppError } from '../platform/errors.ts';

export const CommunityErrors = {
  alreadyReported: () =>
    new AppError(409, 'ALREADY_REPORTED', 'You have already reported this; one report per person is counted'),
  moderationItemNotFound: () =>
    new AppError(404, 'MODERATION_ITEM_NOT_FOUND', 'Nothing with this id is in the moderation queue'),
  invalidModerationInput: (message: string) => new AppError(400, 'MODERATION_INPUT_INVALID', message),
};
