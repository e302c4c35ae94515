import { main } from '../src/analysis/cli';
Promise.resolve(main(['analyze', ...process.argv.slice(2)])).then((s) => console.log('status', s));
