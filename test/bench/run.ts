// npm run bench [-- NAME …]: runs the named benchmarks, or all of them.
import { runPageBench } from './pages.bench.ts';
import { runPostingBench } from './posting.bench.ts';
import { runFederationBench } from './federation.bench.ts';
import { runMemoryBench } from './memory.bench.ts';
import { runLoadBench } from './load.bench.ts';

const benches: Record<string, () => Promise<void>> = {
  forum: () => runPageBench('./forum-server.ts'),
  groups: () => runPageBench('./groups-server.ts'),
  posting: runPostingBench,
  federation: runFederationBench,
  memory: runMemoryBench,
  load: runLoadBench,
};
const chosen = process.argv.slice(2);
const unknown = chosen.filter((name) => !(name in benches));
if (unknown.length) {
  console.error(`Unknown benchmark: ${unknown.join(', ')}. Known: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
for (const name of chosen.length ? chosen : Object.keys(benches)) await benches[name]!();
