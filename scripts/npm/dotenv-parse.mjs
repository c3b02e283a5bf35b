// Parses a dotenv file with npm dotenv and prints the result as JSON.
// Usage: node dotenv-parse.mjs FILE
import { readFileSync } from 'node:fs';
import dotenv from 'dotenv';

process.stdout.write(JSON.stringify(dotenv.parse(readFileSync(process.argv[2]))));
