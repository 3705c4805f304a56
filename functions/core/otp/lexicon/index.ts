import { de } from './de.ts';
import { en } from './en.ts';
import { es } from './es.ts';
import { fr } from './fr.ts';
import { it } from './it.ts';
import { ja } from './ja.ts';
import { ko } from './ko.ts';
import { nl } from './nl.ts';
import { pl } from './pl.ts';
import { pt } from './pt.ts';
import { ru } from './ru.ts';
import { tr } from './tr.ts';
import type { Lexicon } from './types.ts';
import { zh } from './zh.ts';

export { LANGUAGES, type Language, type Lexicon } from './types.ts';

/** Every language the detector speaks; English first, as the most common in mixed-language mail. */
export const LEXICONS: readonly Lexicon[] = [en, de, fr, es, pt, it, nl, pl, tr, ja, zh, ko, ru];
