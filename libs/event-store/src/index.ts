export * from './event-store';
export * from './aggregate';
export * from './nest';
