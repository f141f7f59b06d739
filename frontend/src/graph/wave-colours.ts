import type { WaveStatus } from '../api/types';

export interface Colour {
  background: string;
  border: string;
  text: string;
}

const NEUTRAL: Colour = { background: '#ffffff', border: '#8c8c94', text: '#0f141a' };
const ACTIVE: Colour = { background: '#f0fbff', border: '#006ce0', text: '#002b66' };
const SUCCESS: Colour = { background: '#effff1', border: '#00802f', text: '#00451a' };
const FAILURE: Colour = { background: '#fff5f5', border: '#db0000', text: '#700000' };
const WAITING: Colour = { background: '#fffef0', border: '#8d6605', text: '#4d3901' };

/** The colour of a wave in the live graph and the timeline. */
export function waveColour(status: WaveStatus | undefined): Colour {
  switch (status) {
    case 'PRE_ACTIONS':
    case 'LAUNCHING':
    case 'LAUNCHED':
    case 'HEALTH_CHECK':
    case 'POST_ACTIONS':
      return ACTIVE;
    case 'COMPLETED':
      return SUCCESS;
    case 'FAILED':
      return FAILURE;
    case 'SKIPPED':
      return WAITING;
    default:
      return NEUTRAL;
  }
}
