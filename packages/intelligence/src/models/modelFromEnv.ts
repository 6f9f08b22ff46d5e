import { anObject, checkArguments, type ModelProvider, ValidationError } from "@software-factory/core";
import { createOpenAiCompatibleProvider } from "./openAiCompatible.js";

/**
 * The model provider configured by the environment: `FACTORY_MODEL_URL` (an
 * OpenAI-compatible base URL), `FACTORY_MODEL` (the model name) and, when the
 * server needs one, `FACTORY_MODEL_KEY`. Undefined when neither URL nor model
 * is set.
 *
 * @throws ValidationError when only one of `FACTORY_MODEL_URL` and `FACTORY_MODEL` is set, or the URL is malformed.
 * @example
 * ```ts
 * // FACTORY_MODEL_URL=http://localhost:11434/v1 FACTORY_MODEL=llama3.2
 * const model = modelFromEnv(); // an Ollama-backed provider
 * ```
 */
export function modelFromEnv(env: NodeJS.ProcessEnv = process.env): ModelProvider | undefined {
  checkArguments("modelFromEnv", { env: [anObject("an environment, as process.env"), env] });
  const baseUrl = env.FACTORY_MODEL_URL?.trim() || undefined;
  const model = env.FACTORY_MODEL?.trim() || undefined;
  const apiKey = env.FACTORY_MODEL_KEY?.trim() || undefined;
  if (baseUrl === undefined && model === undefined) return undefined;
  if (baseUrl === undefined || model === undefined) {
    const missing = baseUrl === undefined ? "FACTORY_MODEL_URL" : "FACTORY_MODEL";
    const message = `model environment is invalid: ${missing} is not set; set both FACTORY_MODEL_URL (as http://localhost:11434/v1) and FACTORY_MODEL (as llama3.2), or neither`;
    throw new ValidationError({ message, issues: [{ path: missing, message: "not set" }] });
  }
  return createOpenAiCompatibleProvider({ baseUrl, model, ...(apiKey === undefined ? {} : { apiKey }) });
}
