import { array } from './array.ts';
import { concat } from './concat.ts';
import { ago, date, day, meeting } from './date.ts';
import { describedby } from './describedby.ts';
import { eq } from './eq.ts';
import { includes } from './includes.ts';
import { or } from './or.ts';
import { path } from './path.ts';
import { t } from './t.ts';

export const helpers = { t, eq, or, date, day, ago, meeting, describedby, concat, array, includes, path };
