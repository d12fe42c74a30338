/** The error hosts see from the engine: a failed system call with its errno name as `.code`. */
export { NativeError as EngineError } from '../native';
