// The standalone simulator (issue 2). Placeholder.
console.error('sim: not implemented yet');
process.exit(1);
