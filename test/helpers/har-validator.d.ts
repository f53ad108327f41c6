// Types for har-validator 5 (it ships none): each function resolves with the data or rejects with the schema errors.
declare module 'har-validator' {
  export interface HarSchemaError {
    keyword: string;
    dataPath: string;
    message?: string;
  }
  export function har(data: unknown): Promise<unknown>;
  export function entry(data: unknown): Promise<unknown>;
}
