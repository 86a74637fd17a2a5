import { stopTestServices } from './services';

export default stopTestServices;
