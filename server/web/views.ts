import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

type Helpers = Record<string, Handlebars.HelperDelegate>;
type Callback = (error: unknown, html?: string) => void;

// preventIndent: an indented partial must not indent the lines of a textarea's text.
const compileOptions = { preventIndent: true };

/**
 * The view engine: Handlebars with the helpers and partials, each template compiled once, every
 * page rendered into the main layout. (express-handlebars did the same, but gathered its partials
 * again and copied the context on every render: a tenth of a signed-in page's time, measured.)
 */
export function viewEngine(viewsDir: string, helpers: Helpers): (file: string, context: object, done: Callback) => void {
  const handlebars = Handlebars.create();
  handlebars.registerHelper(helpers);
  const compile = (file: string) => handlebars.compile(readFileSync(file, 'utf8').trim(), compileOptions);
  const partials = join(viewsDir, 'partials');
  for (const name of readdirSync(partials)) if (name.endsWith('.hbs')) handlebars.registerPartial(name.slice(0, -4), compile(join(partials, name)));
  const templates = new Map<string, Handlebars.TemplateDelegate>();
  const template = (file: string) => {
    let found = templates.get(file);
    if (!found) templates.set(file, (found = compile(file)));
    return found;
  };
  const layout = join(viewsDir, 'layouts', 'main.hbs');
  return (file, context, done) => {
    try {
      // Express makes the context for this render alone, so the page's HTML can be put in it.
      const page = context as Record<string, unknown>;
      page.body = template(file)(page).trim();
      done(null, template(layout)(page).trim());
    } catch (error) {
      done(error);
    }
  };
}
