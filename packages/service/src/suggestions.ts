/**
 * graphql-js ends many errors with ` Did you mean "name", "nome"?` (or `the enum value "OPEN"?`),
 * naming the fields, types, arguments and enum values closest to a client's guess: in production
 * that is the schema that introspection is off to hide. Apollo's `hideSchemaDetailsFromClientErrors`
 * strips it only from validation errors; variable errors found while coercing the variables
 * (`Variable "$s" got invalid value "OPN"; … Did you mean …?`, a misspelt input field) keep theirs.
 * So every error a client gets goes through this in production, whatever raised it. A suggestion
 * names only schema names, which hold no `?`.
 */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}
